"""egov: China's internet e-government in 2020, as validated data, charts and reports.

Modules, in the order data flows: ``source`` (raw article → clean text), ``numbers`` (Chinese
quantities), ``schema`` and ``data`` (typed, validated tables), ``refs``, ``periods`` and
``checks`` (one reference grammar; consistency rules), ``editions`` and ``params`` (which periods
make a report), ``i18n`` (languages, numbers, periods), ``facts`` (figures and comparisons,
computed once), ``narrative`` (every sentence, one template per section and language), ``theme``,
``display``, ``citations``, ``tables``, ``un``, ``charts`` and ``notes``, then ``section`` (what a
notebook calls); ``build`` with ``_runner`` and ``exporters`` (reports). Each reads only from the
ones before it.
"""

__version__ = "0.1.0"
