"""egov: China's internet e-government in 2020, as validated data, charts and reports.

Modules, in the order data flows: ``project`` (where the project and its folders are),
``source`` (raw article → clean text), ``numbers`` (Chinese quantities), ``schema`` and ``data``
(typed, validated tables), ``checks`` (consistency rules), ``markup`` (data strings as text in
Markdown, HTML and charts), ``text``, ``plots``, ``notes`` and ``params`` (what the notebooks
call), the ``build`` package and ``exporters`` (reports). Each reads only from the ones
before it. Beside them: ``citation`` (licence, how to cite), ``export`` and ``dictionary`` (the
data for outside use), ``baseline`` (nbval's baseline) and ``cli`` (the ``egov`` command).
"""

__version__ = "0.1.0"
