"""LEAN's reality models: brokerages, fees, slippage, shortable providers and interest rates.

Each module ports one family from LEAN's ``Common/`` sources (``Brokerages``, ``Orders/Fees``,
``Orders/Slippage``, ``Data/Shortable``, ``Data``), for US equities on daily bars.
"""
