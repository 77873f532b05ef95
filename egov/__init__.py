"""egov: China's internet e-government in 2020, as validated data, charts and reports.

Modules, in the order data flows: ``source`` (raw article → clean text), ``numbers`` (Chinese
quantities), ``schema`` and ``data`` (typed, validated tables), ``checks`` (consistency rules),
``text``, ``plots``, ``notes`` and ``params`` (what the notebooks call), the ``build`` package
and ``exporters`` (reports). Each reads only from the ones before it.
"""

__version__ = "0.1.0"
