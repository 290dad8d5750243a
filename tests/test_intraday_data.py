"""Minute and hour US-equity bars from LEAN data folders: LEAN's formats, times, factors,
exchange hours, fill-forward, and bad files."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from local_lean.data import LeanDataFolder
from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.data.fill_forward import fill_forward
from local_lean.data.intraday_files import parse_minute_rows, parse_minute_rows_line_by_line
from local_lean.data.intraday_stream import IntradayBarStream
from local_lean.data.lean_folder import factor_on
from local_lean.enums import DataNormalizationMode, Resolution
from local_lean.errors import MalformedDataError, MissingDataWarning, NotSupportedError

SHARED_LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (SHARED_LEAN_DATA / "equity" / "usa" / "minute").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)
WEEK_START, WEEK_END = dt.datetime(2013, 10, 7), dt.datetime(2013, 10, 11, 23, 59, 59)
HOURS = UsEquityExchangeHours()


def at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")


def sample_stream(ticker="SPY", resolution="MINUTE", start=WEEK_START, end=WEEK_END, **options):
    return IntradayBarStream(
        LeanDataFolder(SHARED_LEAN_DATA), ticker, resolution, start, end, **options
    )


def raw_rows(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(archive.namelist()[0]).decode()
    return [line.split(",") for line in text.splitlines() if line.strip()]


# -- LEAN's formats on its own sample files ---------------------------------------------------


@needs_sample
def test_minute_trade_bars_are_stamped_at_their_end_with_leans_factor():
    bars = list(sample_stream())

    assert len(bars) == 5 * 390  # regular hours only, every minute of the week
    first = bars[0]
    assert (first.time, first.end_time) == (at("2013-10-07", "09:30"), at("2013-10-07", "09:31"))
    assert first.period == dt.timedelta(minutes=1)
    row = next(
        r
        for r in raw_rows(SHARED_LEAN_DATA / "equity/usa/minute/spy/20131007_trade.zip")
        if int(r[0]) == 9.5 * 3_600_000
    )
    factors = LeanDataFolder(SHARED_LEAN_DATA).factors("SPY")
    factor = factor_on(factors, pd.Timestamp(2013, 10, 7))
    assert factor < 1  # SPY's dividends since 2013 adjust its prices down
    assert first.open == pytest.approx(int(row[1]) / 10_000 * factor, rel=1e-12)
    assert first.close == pytest.approx(int(row[4]) / 10_000 * factor, rel=1e-12)
    assert first.volume == round(int(row[5]) / factor)
    assert bars[-1].end_time == at("2013-10-11", "16:00")
    assert not any(bar.is_fill_forward for bar in bars)


@needs_sample
def test_raw_prices_are_the_files_and_split_adjusted_ones_divide_by_the_split():
    # AAPL split 7 for 1 after 2014-06-06; the sample has its minutes of June 5 to 9
    start, end = dt.datetime(2014, 6, 6), dt.datetime(2014, 6, 6, 23, 59)
    raw = list(
        sample_stream(
            "AAPL", Resolution.MINUTE, start, end, normalization=DataNormalizationMode.RAW
        )
    )
    split = list(sample_stream("AAPL", start=start, end=end, normalization="SPLIT_ADJUSTED"))
    row = raw_rows(SHARED_LEAN_DATA / "equity/usa/minute/aapl/20140606_trade.zip")
    first_regular = next(r for r in row if int(r[0]) >= 9.5 * 3_600_000)

    assert raw[0].open == int(first_regular[1]) / 10_000
    assert raw[0].volume == int(first_regular[5])
    factors = LeanDataFolder(SHARED_LEAN_DATA).factors("AAPL")
    before = factor_on(factors, pd.Timestamp(2014, 6, 6), "split_factor")
    after = factor_on(factors, pd.Timestamp(2014, 6, 9), "split_factor")
    assert before / after == pytest.approx(1 / 7)  # and AAPL split 4 for 1 in 2020
    assert split[0].open == pytest.approx(raw[0].open * before, rel=1e-12)
    assert split[0].volume == round(raw[0].volume / before)


@needs_sample
def test_quote_bars_hold_bid_and_ask_and_price_at_the_mid():
    bars = list(sample_stream(tick_type="quote"))
    first = bars[0]
    row = next(
        r
        for r in raw_rows(SHARED_LEAN_DATA / "equity/usa/minute/spy/20131007_quote.zip")
        if int(r[0]) == 9.5 * 3_600_000
    )
    factor = factor_on(LeanDataFolder(SHARED_LEAN_DATA).factors("SPY"), pd.Timestamp(2013, 10, 7))

    assert len(bars) == 5 * 390
    assert first.bid.close == pytest.approx(int(row[4]) / 10_000 * factor, rel=1e-12)
    assert first.ask.open == pytest.approx(int(row[6]) / 10_000 * factor, rel=1e-12)
    assert first.close == pytest.approx((first.bid.close + first.ask.close) / 2, rel=1e-12)
    assert first.last_bid_size == round(int(row[5]) / factor)


@needs_sample
def test_extended_market_hours_add_the_pre_and_post_market():
    regular = list(sample_stream())
    extended = list(sample_stream(extended_market_hours=True))

    assert len(extended) == 5 * (16 * 60)  # 04:00 to 20:00
    assert extended[0].end_time == at("2013-10-07", "04:01")
    assert extended[-1].end_time == at("2013-10-11", "20:00")
    in_session = [bar for bar in extended if at(f"{bar.time:%Y-%m-%d}", "09:30") <= bar.time]
    in_session = [bar for bar in in_session if bar.time < at(f"{bar.time:%Y-%m-%d}", "16:00")]
    assert [(b.end_time, b.close) for b in in_session] == [(b.end_time, b.close) for b in regular]


@needs_sample
def test_hour_bars_stream_from_the_whole_history_file():
    bars = list(sample_stream(resolution="HOUR"))

    assert len(bars) == 5 * 7  # LEAN's hour bars of a session start at 09:00 ... 15:00
    assert (bars[0].time, bars[0].end_time) == (
        at("2013-10-07", "09:00"),
        at("2013-10-07", "10:00"),
    )
    assert bars[-1].end_time == at("2013-10-11", "16:00")
    minutes = [bar for bar in sample_stream() if bar.time.date() == dt.date(2013, 10, 7)]
    first_hour = [bar for bar in minutes if bar.end_time <= at("2013-10-07", "10:00")]
    assert bars[0].high == pytest.approx(max(bar.high for bar in first_hour), rel=1e-9)
    assert bars[0].close == pytest.approx(first_hour[-1].close, rel=1e-9)


@needs_sample
def test_a_quote_without_a_trade_leaves_a_fill_forward_trade_bar():
    # AIG quoted at 13:47 on 2013-10-07 without trading
    day_start, day_end = dt.datetime(2013, 10, 7), dt.datetime(2013, 10, 7, 23, 59)
    trades = {bar.time: bar for bar in sample_stream("AIG", start=day_start, end=day_end)}
    quotes = {
        bar.time: bar
        for bar in sample_stream("AIG", start=day_start, end=day_end, tick_type="quote")
    }
    minute = at("2013-10-07", "13:47")

    assert not quotes[minute].is_fill_forward
    assert trades[minute].is_fill_forward
    assert trades[minute].volume == 0
    before = trades[minute - dt.timedelta(minutes=1)]
    assert (trades[minute].open, trades[minute].close) == (before.open, before.close)


@needs_sample
def test_a_missing_trading_day_is_filled_forward_and_reported():
    # the sample has SPY's minutes of 2013-10-04 and the week after, not 2013-10-03
    stream = sample_stream(start=dt.datetime(2013, 10, 3), end=dt.datetime(2013, 10, 4, 23, 59))
    with pytest.warns(MissingDataWarning, match=r"SPY: 1 minute trade file.*20131003_trade.zip"):
        bars = list(stream)

    assert [path.name for path in stream.missing_files] == ["20131003_trade.zip"]
    assert {bar.time.date() for bar in bars} == {dt.date(2013, 10, 4)}  # nothing before data


@needs_sample
def test_bulk_and_line_by_line_parsing_give_the_same_rows_on_every_sample_minute_file():
    paths = sorted((SHARED_LEAN_DATA / "equity/usa/minute").glob("*/*.zip"))
    assert len(paths) > 60
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(archive.namelist()[0])
        day = dt.datetime.strptime(path.name[:8], "%Y%m%d").date()
        tick_type = path.stem.split("_")[1]
        bulk = parse_minute_rows(raw, str(path), day, tick_type)
        each = parse_minute_rows_line_by_line(raw, str(path), day, tick_type)
        assert bulk == each, path


# -- fill-forward as LEAN's FillForwardEnumeratorTests state it --------------------------------

MINUTE, HOUR = dt.timedelta(minutes=1), dt.timedelta(hours=1)


def filled(rows, resolution, end, extended=False):
    return [
        (time + resolution, value, copy)
        for time, value, copy in fill_forward(rows, resolution, HOURS, extended, end)
    ]


def test_fills_forward_mid_day():
    rows = [(at("2015-06-25", "09:30"), 0), (at("2015-06-25", "09:32"), 1)]
    assert filled(rows, MINUTE, at("2015-06-25", "09:33")) == [
        (at("2015-06-25", "09:31"), 0, False),
        (at("2015-06-25", "09:32"), 0, True),
        (at("2015-06-25", "09:33"), 1, False),
    ]


def test_fills_forward_from_the_pre_market_into_the_session_only():
    rows = [(at("2015-06-25", "09:28"), 0), (at("2015-06-25", "09:32"), 1)]
    assert filled(rows, MINUTE, at("2015-06-25", "09:33")) == [
        (at("2015-06-25", "09:29"), 0, False),
        (at("2015-06-25", "09:31"), 0, True),
        (at("2015-06-25", "09:32"), 0, True),
        (at("2015-06-25", "09:33"), 1, False),
    ]


def test_fills_forward_the_rest_of_the_day_up_to_the_subscription_end():
    rows = [(at("2015-06-25", "15:57"), 0)]
    assert filled(rows, MINUTE, at("2015-06-25", "16:00")) == [
        (at("2015-06-25", "15:58"), 0, False),
        (at("2015-06-25", "15:59"), 0, True),
        (at("2015-06-25", "16:00"), 0, True),
    ]


def test_hour_bars_fill_forward_to_the_close_and_not_overnight():
    rows = [(at("2015-06-25", "14:00"), 0), (at("2015-06-26", "09:00"), 1)]
    assert filled(rows, HOUR, at("2015-06-26", "10:00")) == [
        (at("2015-06-25", "15:00"), 0, False),
        (at("2015-06-25", "16:00"), 0, True),
        (at("2015-06-26", "10:00"), 1, False),
    ]


def test_after_market_bars_pass_through_unfilled():
    # LEAN's SkipsAfterMarketData: the 17:00 bar is data; no copy is made outside the session
    rows = [(at("2015-06-25", "14:00"), 0), (at("2015-06-25", "17:00"), 1)]
    rows.append((at("2015-06-26", "09:00"), 2))
    assert filled(rows, HOUR, at("2015-06-26", "10:00")) == [
        (at("2015-06-25", "15:00"), 0, False),
        (at("2015-06-25", "16:00"), 0, True),
        (at("2015-06-25", "18:00"), 1, False),
        (at("2015-06-26", "10:00"), 2, False),
    ]


def test_extended_hours_fill_forward_through_the_pre_market():
    rows = [(at("2015-06-25", "19:58"), 0), (at("2015-06-26", "04:01"), 1)]
    assert filled(rows, MINUTE, at("2015-06-26", "04:02"), extended=True) == [
        (at("2015-06-25", "19:59"), 0, False),
        (at("2015-06-25", "20:00"), 0, True),
        (at("2015-06-26", "04:01"), 0, True),
        (at("2015-06-26", "04:02"), 1, False),
    ]


@pytest.mark.parametrize(
    ("start", "end", "regular", "extended"),
    [
        ("2015-06-25 09:29", "2015-06-25 09:30", False, True),  # ends as the session opens
        ("2015-06-25 09:30", "2015-06-25 09:31", True, True),
        ("2015-06-25 15:59", "2015-06-25 16:00", True, True),
        ("2015-06-25 16:00", "2015-06-25 16:01", False, True),
        ("2015-06-25 19:59", "2015-06-25 20:00", False, True),
        ("2015-06-25 20:00", "2015-06-25 20:01", False, False),
        ("2015-06-25 03:59", "2015-06-25 04:00", False, False),
        ("2015-06-25 09:00", "2015-06-25 10:00", True, True),  # an hour bar holding the open
        ("2015-06-27 12:00", "2015-06-27 12:01", False, False),  # a Saturday
        ("2015-07-03 12:00", "2015-07-03 12:01", False, False),  # Independence Day, observed
        ("2015-06-25 16:00", "2015-06-25 16:00", False, True),  # an instant: start included
    ],
)
def test_a_bar_is_in_the_hours_when_its_span_overlaps_a_segment(start, end, regular, extended):
    first, last = (dt.datetime.fromisoformat(text) for text in (start, end))
    assert HOURS.is_open_during_bar(first, last, extended=False) is regular
    assert HOURS.is_open_during_bar(first, last, extended=True) is extended


def test_the_next_market_open_is_strictly_later_and_skips_closed_days():
    friday_close = at("2015-06-26", "16:00")
    assert HOURS.next_market_open(friday_close, extended=False) == at("2015-06-29", "09:30")
    assert HOURS.next_market_open(friday_close, extended=True) == at("2015-06-29", "04:00")
    assert HOURS.next_market_open(at("2015-06-29", "09:30"), extended=False) == at(
        "2015-06-30", "09:30"
    )
    assert HOURS.next_market_open(at("2015-06-29", "03:00"), extended=True) == at(
        "2015-06-29", "04:00"
    )


def test_early_closes_end_the_day_and_have_no_post_market():
    # 2015-11-27, the day after Thanksgiving, closes at 13:00
    assert HOURS.is_open(at("2015-11-27", "12:59"), extended=False)
    assert not HOURS.is_open(at("2015-11-27", "13:00"), extended=True)
    assert HOURS.is_open(at("2015-11-26", "12:00"), extended=True) is False  # Thanksgiving
    assert HOURS.next_market_open(at("2015-11-25", "16:00"), extended=False) == at(
        "2015-11-27", "09:30"
    )
    assert HOURS.next_market_open(at("2015-11-25", "16:00"), extended=True) == at(
        "2015-11-25", "16:00"
    ) + dt.timedelta(days=2, hours=-12)
    rows = [(at("2015-11-27", "12:57"), 0)]
    assert filled(rows, MINUTE, at("2015-11-27", "23:59")) == [
        (at("2015-11-27", "12:58"), 0, False),
        (at("2015-11-27", "12:59"), 0, True),
        (at("2015-11-27", "13:00"), 0, True),
    ]


# -- bad files, crafted in tmp_path ------------------------------------------------------------


def make_folder(root: Path) -> LeanDataFolder:
    daily = root / "equity" / "usa" / "daily"
    daily.mkdir(parents=True)
    with zipfile.ZipFile(daily / "abc.zip", "w") as archive:
        archive.writestr("abc.csv", "20131007 00:00,1000000,1000000,1000000,1000000,1\n")
    return LeanDataFolder(root)


def write_minute(root: Path, day: str, rows: list[str], tick_type="trade", text=None) -> Path:
    folder = root / "equity" / "usa" / "minute" / "abc"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day}_{tick_type}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        data = text if text is not None else ("\n".join(rows) + "\n").encode()
        archive.writestr(f"{day}_abc_minute_{tick_type}.csv", data)
    return path


def trade_row(clock: str, price: int, volume: int = 100) -> str:
    hours, minutes = map(int, clock.split(":"))
    milliseconds = (hours * 60 + minutes) * 60_000
    return f"{milliseconds},{price},{price},{price},{price},{volume}"


def crafted_stream(folder, start="2013-10-07", end="2013-10-07", **options):
    first = dt.datetime.fromisoformat(start)
    last = dt.datetime.fromisoformat(end) + dt.timedelta(hours=23, minutes=59)
    return IntradayBarStream(folder, "ABC", "MINUTE", first, last, **options)


def test_a_file_less_day_inside_the_span_is_filled_forward_through_its_session(tmp_path):
    folder = make_folder(tmp_path)
    write_minute(tmp_path, "20131007", [trade_row("15:59", 1000000)])
    write_minute(tmp_path, "20131009", [trade_row("09:30", 1010000)])
    stream = crafted_stream(folder, "2013-10-07", "2013-10-09")
    with pytest.warns(MissingDataWarning, match="20131008_trade.zip"):
        bars = list(stream)

    tuesday = [bar for bar in bars if bar.time.date() == dt.date(2013, 10, 8)]
    assert len(tuesday) == 390
    assert all(bar.is_fill_forward and bar.close == 100.0 and bar.volume == 0 for bar in tuesday)
    wednesday = [bar for bar in bars if bar.time.date() == dt.date(2013, 10, 9)]
    assert wednesday[0].close == 101.0 and not wednesday[0].is_fill_forward
    assert len(wednesday) == 390 and all(bar.is_fill_forward for bar in wednesday[1:])


def test_a_truncated_zip_is_an_error_naming_the_file(tmp_path):
    folder = make_folder(tmp_path)
    path = write_minute(tmp_path, "20131007", [trade_row("09:30", 1000000)] * 1)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(MalformedDataError, match=r"20131007_trade.zip is not a readable zip"):
        list(crafted_stream(folder))


@needs_sample
def test_a_truncated_real_minute_file_is_an_error(tmp_path):
    folder = make_folder(tmp_path)
    real = SHARED_LEAN_DATA / "equity/usa/minute/spy/20131007_trade.zip"
    target = write_minute(tmp_path, "20131007", [])
    shutil.copyfile(real, target)
    target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])
    with pytest.raises(MalformedDataError, match="download it again"):
        list(crafted_stream(folder))


def test_rows_out_of_order_are_an_error_naming_the_line(tmp_path):
    folder = make_folder(tmp_path)
    rows = [trade_row("09:30", 1000000), trade_row("09:32", 1000000), trade_row("09:31", 1)]
    write_minute(tmp_path, "20131007", rows)
    with pytest.raises(MalformedDataError, match=r"line 3: the bar of 09:31:00 comes after.*09:32"):
        list(crafted_stream(folder))


def test_a_repeated_minute_is_an_error(tmp_path):
    folder = make_folder(tmp_path)
    write_minute(tmp_path, "20131007", [trade_row("09:30", 1000000)] * 2)
    with pytest.raises(MalformedDataError, match="line 2"):
        list(crafted_stream(folder))


def test_text_that_is_not_utf8_is_an_error_naming_the_line(tmp_path):
    folder = make_folder(tmp_path)
    text = (trade_row("09:30", 1000000) + "\n").encode() + b"34260000,10\xe900000,1,1,1,1\n"
    write_minute(tmp_path, "20131007", [], text=text)
    with pytest.raises(MalformedDataError, match=r"line 2: byte 0xe9 is not UTF-8"):
        list(crafted_stream(folder))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("34200000,1000000,1000000,1000000,1000000", "is not a row of"),
        ("34200000,0,1000000,1000000,1000000,5", "is not a row of"),
        ("34200000,1000000,1000000,1000000,1000000,-5", "is not a row of"),
        ("86400000,1000000,1000000,1000000,1000000,5", "is not a time of the day"),
        ("9:30,1000000,1000000,1000000,1000000,5", "is not a row of"),
    ],
)
def test_malformed_rows_are_errors_naming_file_and_line(tmp_path, row, problem):
    folder = make_folder(tmp_path)
    write_minute(tmp_path, "20131007", [trade_row("09:29", 1000000), row])
    with pytest.raises(
        MalformedDataError, match=rf"20131007_abc_minute_trade.csv, line 2: .*{problem}"
    ):
        list(crafted_stream(folder))


def test_a_quote_side_left_empty_takes_the_previous_side(tmp_path):
    folder = make_folder(tmp_path)
    rows = [
        "34200000,1000000,1000000,1000000,1000000,100,1010000,1010000,1010000,1010000,200",
        "34260000,,,,,,1020000,1020000,1020000,1020000,300",
    ]
    write_minute(tmp_path, "20131007", rows, tick_type="quote")
    start, end = at("2013-10-07", "09:30"), at("2013-10-07", "09:32")
    bars = list(IntradayBarStream(folder, "ABC", "MINUTE", start, end, tick_type="quote"))

    assert bars[1].bid.close == 100.0 and bars[1].last_bid_size == 0
    assert bars[1].ask.close == 102.0
    assert bars[1].close == pytest.approx(101.0)


def test_unsupported_requests_say_what_to_use(tmp_path):
    folder = make_folder(tmp_path)
    start, end = WEEK_START, WEEK_END
    with pytest.raises(NotSupportedError, match="only trades for equities at hour"):
        IntradayBarStream(folder, "ABC", "HOUR", start, end, tick_type="quote")
    with pytest.raises(NotSupportedError, match="TOTAL_RETURN"):
        IntradayBarStream(folder, "ABC", "MINUTE", start, end, normalization="TOTAL_RETURN")
    with pytest.raises(ValueError, match="resolution 'SECOND'"):
        IntradayBarStream(folder, "ABC", "SECOND", start, end)


@needs_sample
def test_a_renamed_security_reads_each_day_from_the_file_of_its_ticker_that_day():
    # 21st Century Fox traded as NWSA until 2013-06-28, then as FOXA (map file tfcfa.csv)
    start, end = dt.datetime(2013, 6, 27), dt.datetime(2013, 7, 2, 23, 59)
    stream = sample_stream("FOXA", start=start, end=end)
    bars = list(stream)

    assert stream.missing_files == []
    assert sorted({bar.time.date() for bar in bars}) == [
        dt.date(2013, 6, 27),
        dt.date(2013, 6, 28),
        dt.date(2013, 7, 1),
        dt.date(2013, 7, 2),
    ]
    nwsa_row = next(
        r
        for r in raw_rows(SHARED_LEAN_DATA / "equity/usa/minute/nwsa/20130627_trade.zip")
        if int(r[0]) == 9.5 * 3_600_000
    )
    raw_first = list(sample_stream("FOXA", start=start, end=end, normalization="RAW"))[0]
    assert raw_first.open == int(nwsa_row[1]) / 10_000
    assert all(str(bar.symbol) == "FOXA" for bar in bars)


def test_a_delisted_securitys_bars_end_with_its_map_file(tmp_path):
    folder = make_folder(tmp_path)
    map_files = tmp_path / "equity" / "usa" / "map_files"
    map_files.mkdir()
    (map_files / "abc.csv").write_text("20100104,abc,Q\n20131008,abc,Q\n")
    for day in ("20131007", "20131008", "20131009"):
        write_minute(tmp_path, day, [trade_row("12:00", 1000000)])
    stream = crafted_stream(folder, "2013-10-07", "2013-10-10")
    bars = list(stream)

    assert bars[-1].end_time == at("2013-10-08", "16:00")  # filled to its last close, no further
    assert stream.missing_files == []


def rewrite_real_minute(tmp_path: Path, change) -> LeanDataFolder:
    """A folder whose ABC minute file of 2013-10-07 is SPY's real one with `change` applied
    to its bytes."""
    folder = make_folder(tmp_path)
    real = SHARED_LEAN_DATA / "equity/usa/minute/spy/20131007_trade.zip"
    with zipfile.ZipFile(real) as archive:
        content = archive.read(archive.namelist()[0])
    write_minute(tmp_path, "20131007", [], text=change(content))
    return folder


@needs_sample
def test_real_rows_put_out_of_order_are_an_error(tmp_path):
    def swap_two_rows(content: bytes) -> bytes:
        lines = content.split(b"\n")
        lines[400], lines[401] = lines[401], lines[400]
        return b"\n".join(lines)

    folder = rewrite_real_minute(tmp_path, swap_two_rows)
    with pytest.raises(MalformedDataError, match="line 402: the bar of .* comes after"):
        list(crafted_stream(folder))


@needs_sample
def test_a_real_file_with_a_latin1_byte_is_an_error(tmp_path):
    def damage(content: bytes) -> bytes:
        lines = content.split(b"\n")
        lines[9] = lines[9].replace(b",", b"\xa0,", 1)
        return b"\n".join(lines)

    folder = rewrite_real_minute(tmp_path, damage)
    with pytest.raises(MalformedDataError, match=r"line 10: byte 0xa0 is not UTF-8"):
        list(crafted_stream(folder))


def write_hour(root: Path, lines: list[str]) -> None:
    folder = root / "equity" / "usa" / "hour"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "abc.zip", "w") as archive:
        archive.writestr("abc.csv", "\n".join(lines) + "\n")


def test_hour_rows_out_of_order_are_an_error(tmp_path):
    folder = make_folder(tmp_path)
    write_hour(
        tmp_path,
        [
            "20131007 09:00,1000000,1000000,1000000,1000000,5",
            "20131007 11:00,1000000,1000000,1000000,1000000,5",
            "20131007 10:00,1000000,1000000,1000000,1000000,5",
        ],
    )
    stream = IntradayBarStream(folder, "ABC", "HOUR", WEEK_START, WEEK_END)
    with pytest.raises(MalformedDataError, match=r"abc.csv, line 3: the bar of '20131007 10:00'"):
        list(stream)


def test_hour_bars_fill_forward_a_missing_hour_and_stop_at_the_close(tmp_path):
    folder = make_folder(tmp_path)
    write_hour(
        tmp_path,
        [
            "20131004 15:00,990000,990000,990000,990000,5",  # before the start: not sent
            "20131007 09:00,1000000,1000000,1000000,1000000,5",
            "20131007 11:00,1010000,1010000,1010000,1010000,5",
        ],
    )
    end = dt.datetime(2013, 10, 7, 23, 59)
    bars = list(IntradayBarStream(folder, "ABC", "HOUR", WEEK_START, end))

    assert [(bar.end_time.hour, bar.close, bar.is_fill_forward) for bar in bars] == [
        (10, 100.0, False),
        (11, 100.0, True),
        (12, 101.0, False),
        (13, 101.0, True),
        (14, 101.0, True),
        (15, 101.0, True),
        (16, 101.0, True),
    ]


@needs_sample
def test_hour_bars_of_a_renamed_security_come_from_each_tickers_file_in_turn():
    # SunPower traded as SPWR until 2008-09-29, as SPWRA until 2011-11-16 (map file spwr.csv)
    start, end = dt.datetime(2008, 9, 25), dt.datetime(2008, 10, 1, 23, 59)
    bars = list(sample_stream("SPWR", "HOUR", start, end, normalization="RAW"))
    spwra = raw_rows(SHARED_LEAN_DATA / "equity/usa/hour/spwra.zip")

    days = [bar.time.date() for bar in bars]
    assert days == sorted(days)
    assert sorted(set(days)) == [
        dt.date(2008, 9, 25),
        dt.date(2008, 9, 26),
        dt.date(2008, 9, 29),
        dt.date(2008, 9, 30),
        dt.date(2008, 10, 1),
    ]
    first_of_spwra = next(bar for bar in bars if bar.time.date() == dt.date(2008, 9, 30))
    assert spwra[0][0] == "20080930 09:00"
    assert first_of_spwra.time == dt.datetime(2008, 9, 30, 9)
    assert first_of_spwra.open == int(spwra[0][1]) / 10_000
