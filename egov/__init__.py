"""egov: China's internet e-government in 2020, as validated data, charts and reports.

Modules, in the order data flows: ``project`` (where the project and its folders are),
``source`` (raw article → clean text), ``numbers`` (Chinese quantities), ``schema`` and ``data``
(typed, validated tables), ``refs``, ``periods`` and ``checks`` (one reference grammar;
consistency rules), ``editions`` and ``params`` (which periods make a report), ``markup`` (data
strings as text in Markdown, HTML and charts), ``i18n`` (languages, numbers, periods), ``facts``
(figures and comparisons, computed once), ``narrative`` (every sentence, one template per section
and language), ``theme``, ``display``, ``credits``, ``tables``, ``un``, ``charts`` and
``notes``, then ``section`` (what a notebook calls); the ``build`` package and
``exporters`` (reports). Each reads only from the ones before it. Beside them: ``citation``
(licence, how to cite), ``export`` and ``dictionary`` (the data for outside use), ``baseline``
(nbval's baseline) and ``cli`` (the ``egov`` command).
"""

__version__ = "0.1.0"
