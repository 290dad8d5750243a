"""LSTM macro strategy: forecast the macro symbol's return over the holding period with a
stacked LSTM and rotate between a risk-on group (default: S&P 500 sector ETFs and inverse
Treasury ETFs) and a risk-off group (default: long Treasury ETFs; empty: cash).

The timeline, day T (a session), with LEAN's fills for daily-only securities:

| decision time | 09:35 on T (five minutes after the open) |
| information then | daily closes through T-1 (T's bar arrives at T's close) |
| order and fill | market orders, which LEAN turns into MarketOnClose: filled at T's close |
| holding period | T's close to T+1's close, when the next decision's orders fill |
| the model forecasts | close(T+1) / close(T) - 1 from closes through T-1 (gap 1, horizon 1) |

`forecast-target next-close` keeps the forum post's target instead, close(T) / close(T-1) - 1,
an interval that ends when the position opens; each insight's tag names the interval forecast.

Runs unchanged on QuantConnect's cloud, under `lean backtest`, and offline with
`python -m local_lean main.py`. Every setting is a parameter in config.json.
"""

import builtins
import math
import re
from datetime import datetime

from AlgorithmImports import *

from lstm_model import MAX_SEED, MyLSTM, target_returns
from model_cache import ModelCache

# SHV holds Treasury bills of under a year: it is not an inverse fund, although LEAN's
# LiquidETFUniverse files it under TREASURIES.inverse. Buying it when the macro forecast says
# "rates up" would be a bet on cash, not against bonds, so it is left out.
NOT_INVERSE_TREASURIES = {"SHV"}

MODEL_KEY_PREFIX = "lstm-macro"

# A macro key names its stored model ("lstm-macro/<key>-<ticker>.keras"), so it keeps to the
# characters every object store accepts in a file name; a ticker is letters, digits and dots.
MACRO_KEY_PATTERN = re.compile(r"[A-Za-z0-9_]+(?:[ -][A-Za-z0-9_]+)*")
TICKER_PATTERN = re.compile(r"[A-Z0-9]+(?:\.[A-Z0-9]+)*")

# Sessions between the last close the model sees and the start of the interval it forecasts:
# "holding" is the position's interval (T's close to T+1's), "next-close" the post's (T-1 to T).
FORECAST_GAPS = {"holding": 1, "next-close": 0}


def _tickers(symbols) -> str:
    return ", ".join(symbol.value for symbol in symbols)


# The post's universe: LiquidETFUniverse's sector ETFs and inverse Treasury ETFs are risk-on,
# its long Treasury ETFs risk-off.
DEFAULT_RISK_ON = _tickers(
    list(LiquidETFUniverse.SP_500_SECTORS.long)
    + [
        symbol
        for symbol in LiquidETFUniverse.TREASURIES.inverse
        if symbol.value not in NOT_INVERSE_TREASURIES
    ]
)
DEFAULT_RISK_OFF = _tickers(LiquidETFUniverse.TREASURIES.long)


class LstmMacroAlgorithm(QCAlgorithm):
    """Monthly-retrained LSTM forecasts of the holding period's return turned into one-day
    insights."""

    def initialize(self) -> None:
        self.strategy_settings = StrategySettings.from_algorithm(self)
        self.set_start_date(self.strategy_settings.start_date)
        self.set_end_date(self.strategy_settings.end_date)
        self.set_cash(self.strategy_settings.cash)
        # The first decision comes at 09:35 on the first day, before any bar of the backtest:
        # securities need their last known close by then (LEAN leaves them at price 0 and
        # refuses their orders otherwise). Set before the securities are added.
        self.settings.seed_initial_prices = True

        self.macro_symbols = {
            key: self.add_equity(ticker, Resolution.DAILY).symbol
            for key, ticker in self.strategy_settings.macro_tickers.items()
        }
        self.risk_on = self._add_group(self.strategy_settings.risk_on)
        self.risk_off = self._add_group(self.strategy_settings.risk_off)
        self._check_risk_on_has_prices()

        # Without a portfolio construction model, LEAN records insights and trades nothing.
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())

        self.models: dict[str, MyLSTM] = {}
        cache_bytes = int(self.strategy_settings.model_cache_mb * 2**20)
        # The cache is keyed by the closes a fit sees, so a backtest may use it too.
        self.model_cache = (
            ModelCache(self.object_store, cache_bytes, log=self.log) if cache_bytes > 0 else None
        )
        self.last_closes: dict[str, float] = {}
        self.logged_skips: set[str] = set()
        if self.live_mode:
            self._load_stored_models()

        bull = self.macro_symbols[self.strategy_settings.leading_key]
        # A model must exist before the first prediction: train now, then at each month end.
        # Backtests never reuse stored models, which may have seen prices after the start date.
        self.train(self.train_models)
        self.train(self.date_rules.month_end(bull), self.time_rules.at(8, 0), self.train_models)
        self.schedule.on(
            self.date_rules.every_day(bull),
            self.time_rules.after_market_open(bull, 5),
            self.predict_and_emit_insights,
        )

    # ----- training ---------------------------------------------------------------------------

    def train_models(self) -> None:
        """Fit (or warm-start) one model per macro symbol on its latest daily closes."""
        for key, symbol in self.macro_symbols.items():
            self._train_model(key, symbol)

    def _train_model(self, key: str, symbol: Symbol) -> None:
        settings = self.strategy_settings
        closes = self._daily_closes(symbol, settings.history_bars)
        needed = settings.lookback + settings.test_size + 1
        if closes is None or len(closes) < needed:
            given = 0 if closes is None else len(closes)
            self._log_skip(
                f"train-short-{key}",
                f"Not training {key} ({symbol.value}) at {self.time}: {given} daily closes, "
                f"{needed} needed (lookback {settings.lookback} + test size "
                f"{settings.test_size} + 1)",
            )
            return

        previous = self.models.get(key)
        if previous is None:
            candidate = settings.new_model()
        elif self.live_mode:
            # Live training runs beside the daily predictions: train a copy, then swap it in.
            candidate = previous.copy()
        else:
            # A backtest waits for training: MyLSTM.fit retrains in place (a copy would trace
            # its training step again, doubling the cost) and undoes itself if it fails.
            candidate = previous
        warm_start = candidate.next_fit_continues()
        training_closes = closes[: len(closes) - settings.test_size]
        undo = previous.learned_state() if candidate is previous else None
        fitted, from_cache = candidate, False
        try:
            if self.model_cache is None:
                candidate.fit(training_closes)
            else:  # a hit puts the stored state into `candidate`, as a fit would
                fitted, from_cache = self.model_cache.fit(candidate, training_closes)
            held_out = _held_out_errors(fitted, closes, settings.test_size)
            # A finite loss can still be an absurd model (e.g. a huge learning rate): one far
            # worse than the naive forecast must not trade.
            if held_out is not None and held_out[0] > settings.max_error_ratio * held_out[1]:
                raise ValueError(
                    f"its held-out RMSE {held_out[0]:.4g} is {held_out[0] / held_out[1]:.4g} "
                    f"times the naive forecast's {held_out[1]:.4g}, above 'max-error-ratio' "
                    f"{settings.max_error_ratio:g}"
                )
        # builtins.Exception: LEAN's `from System import *` can shadow the name Exception with
        # System.Exception, which does not catch Python errors.
        except builtins.Exception as error:  # keep the previous model; the log says why
            # fit() undoes its own failures; an absurd fit in place is undone here.
            if undo is not None and fitted is candidate:
                candidate.restore_state(undo)
            kept = (
                "the previous model is kept"
                if previous is not None
                else "no model yet, so no forecasts until a fit succeeds"
            )
            self.error(f"Training {key} ({symbol.value}) failed at {self.time}: {error}; {kept}")
            return

        self.models[key] = fitted
        mode = (
            f"warm start, {fitted.warm_epochs} epochs on the latest "
            f"{fitted.retrain_windows or 'all'} windows"
            if warm_start
            else f"from scratch, {_epochs_trained(fitted)}"
        )
        if from_cache:
            mode += "; from the model cache, nothing trained"
        self.log(
            f"Trained {key} ({symbol.value}) at {self.time} on {len(training_closes)} closes "
            f"({mode})" + _held_out_report(held_out)
        )
        if self.live_mode:
            self._store_model(key, fitted)

    # ----- prediction and insights ------------------------------------------------------------

    def predict_and_emit_insights(self) -> None:
        """Forecast each macro symbol's return over the target interval and emit one-day
        insights from the leading one's: risk-on UP and risk-off FLAT when it is positive, the
        reverse otherwise. Each insight's tag records the forecast and its interval."""
        lead = None
        for key, symbol in self.macro_symbols.items():
            forecast = self._forecast_return(key, symbol)
            if key == self.strategy_settings.leading_key:
                lead = forecast
        if lead is None:
            return

        forecast_return, tag = lead
        bull_up = forecast_return > 0
        risk_on = InsightDirection.UP if bull_up else InsightDirection.FLAT
        risk_off = InsightDirection.FLAT if bull_up else InsightDirection.UP
        # Expiry.END_OF_DAY: the insights expire at midnight, so the next decision replaces
        # them in one rebalance at 09:35. A one-day period would keep them active through
        # that decision and expire them during the day after, rebalancing again at its close.
        insights = [
            Insight.price(symbol, Expiry.END_OF_DAY, direction, tag=tag)
            for group, direction in ((self.risk_on, risk_on), (self.risk_off, risk_off))
            for symbol in group
            if self._has_price(symbol)
        ]
        if insights:
            self.emit_insights(insights)

    def _forecast_return(self, key: str, symbol: Symbol) -> tuple[float, str] | None:
        """Plot and return the forecast return over the target interval, with a tag naming
        that interval: 'forecast <return> of <ticker> from the close of <date> for <n>
        session(s); closes through <date>; target <name>'."""
        model = self.models.get(key)
        if model is None:
            self._log_skip(f"no-model-{key}", f"No trained model for {key} yet: not predicting")
            return None
        history = self._daily_history(symbol, model.lookback)
        closes = None if history is None else [float(price) for price in history]
        if history is None or closes is None or len(closes) < model.lookback:
            self._log_skip(
                f"predict-short-{key}",
                f"Too little history to forecast {key} ({symbol.value}) at {self.time}: "
                f"{0 if closes is None else len(closes)} closes, {model.lookback} needed",
            )
            return None
        forecast = float(model.predict(closes)[-1])
        if not math.isfinite(forecast):
            self._log_skip(
                f"non-finite-{key}",
                f"Unusable forecast for {key} ({symbol.value}) at {self.time}: {forecast}",
            )
            return None
        self.plot("Prediction Plot", f"Predicted {key}", 100 * forecast)
        # The interval starts `gap` sessions after the last known close: with gap 1, today's
        # close, where today's orders fill; with gap 0, the last known close.
        data_through = history.index[-1].date()
        starts = self.time.date() if model.gap == 1 else data_through
        tag = (
            f"forecast {forecast:+.6f} of {symbol.value} from the close of {starts:%Y-%m-%d} "
            f"for {model.horizon} session(s); closes through {data_through:%Y-%m-%d}; "
            f"target {self.strategy_settings.forecast_target}"
        )
        return forecast, tag

    def on_data(self, data: Slice) -> None:
        # Today's close arrives at the close: plot today's close-to-close return, the interval
        # that this morning's "next-close" forecast and yesterday's "holding" forecast covered.
        for key, symbol in self.macro_symbols.items():
            if not data.bars.contains_key(symbol):
                continue
            close = data.bars[symbol].close
            previous = self.last_closes.get(key)
            if previous:
                self.plot("Prediction Plot", f"Actual {key}", 100 * (close / previous - 1))
            self.last_closes[key] = close

    # ----- persistence ------------------------------------------------------------------------

    def on_end_of_algorithm(self) -> None:
        if not self.live_mode:
            for key, model in self.models.items():
                self._store_model(key, model)

    def _model_key(self, key: str) -> str:
        # Object stores allow one dot in a file name, before its extension (LEAN's key rule).
        ticker = self.macro_symbols[key].value.replace(".", "_")
        return f"{MODEL_KEY_PREFIX}/{key.lower()}-{ticker.lower()}.keras"

    def _store_model(self, key: str, model: MyLSTM) -> None:
        model.save_to_object_store(self.object_store, self._model_key(key))
        self.log(f"Stored the {key} model under '{self._model_key(key)}'")

    def _load_stored_models(self) -> None:
        for key in self.macro_symbols:
            try:
                model = MyLSTM.load_from_object_store(self.object_store, self._model_key(key))
            except builtins.Exception as error:  # a corrupt store must not stop live trading
                self.error(f"Ignoring the stored {key} model: {error}")
                continue
            if model is None:
                continue
            differences = _setting_differences(model, self.strategy_settings.new_model())
            defining = {name: pair for name, pair in differences.items() if name in MODEL_SHAPE}
            if defining:
                self.error(
                    f"Ignoring the stored {key} model: it differs from the configuration in "
                    f"{_described(defining)}; a new model is trained instead"
                )
                continue
            if differences:  # training settings steer the next fits only: take today's
                model.set_params(
                    **{name: configured for name, (_, configured) in differences.items()}
                )
                self.log(
                    f"The stored {key} model trains from now on with the configuration's "
                    f"{_described(differences)}"
                )
            self.models[key] = model
            self.log(f"Loaded the stored {key} model from '{self._model_key(key)}'")

    # ----- helpers ----------------------------------------------------------------------------

    def _add_group(self, tickers: list[str]) -> list[Symbol]:
        return [self.add_equity(ticker, Resolution.DAILY).symbol for ticker in tickers]

    def _check_risk_on_has_prices(self) -> None:
        """Stop at once when no risk-on ticker has prices before the start: the strategy would
        run for years without ever taking risk."""
        history = self.history(self.risk_on, 5, Resolution.DAILY)
        if history.empty:
            raise ValueError(
                f"Parameter 'risk-on' ({', '.join(self.strategy_settings.risk_on)}): none of "
                f"these tickers has daily prices before the start date "
                f"{self.start_date:%Y-%m-%d} in the data; add their data "
                "(lean data download) or choose tickers the data has"
            )

    def _daily_history(self, symbol: Symbol, bars: int):
        """The last `bars` daily closes before today, oldest first, indexed by bar end time;
        None without data."""
        history = self.history([symbol], bars, Resolution.DAILY)
        if history.empty or symbol not in history.index.get_level_values(0):
            return None
        return history.loc[symbol]["close"].dropna()

    def _daily_closes(self, symbol: Symbol, bars: int) -> list[float] | None:
        """The last `bars` daily closes before today, oldest first; None without data."""
        closes = self._daily_history(symbol, bars)
        return None if closes is None else [float(price) for price in closes]

    def _has_price(self, symbol: Symbol) -> bool:
        security = self.securities[symbol]
        return security.has_data and security.price > 0

    def _log_skip(self, reason: str, message: str) -> None:
        """Log each kind of skip once, so a daily condition does not flood the log."""
        if reason not in self.logged_skips:
            self.logged_skips.add(reason)
            self.log(message)


# The settings that make a stored model what it is (its inputs, network and forecast target):
# a model that differs in one of them is not the configured one. The others steer later fits.
MODEL_SHAPE = ("lookback", "units", "layers", "dropout", "normalization", "gap", "horizon")


def _setting_differences(stored: MyLSTM, configured: MyLSTM) -> dict[str, tuple]:
    """Each setting whose stored value differs from the configuration's: (stored, configured)."""
    stored_settings, configured_settings = stored.get_params(), configured.get_params()
    return {
        name: (stored_settings.get(name), value)
        for name, value in configured_settings.items()
        if stored_settings.get(name) != value
    }


def _described(differences: dict[str, tuple]) -> str:
    return ", ".join(
        f"{name} {stored!r} (configuration: {configured!r})"
        for name, (stored, configured) in differences.items()
    )


def _held_out_errors(
    model: MyLSTM, closes: list[float], test_size: int
) -> tuple[float, float, int] | None:
    """(model RMSE, naive RMSE, count) of the forecast returns whose origins and intervals lie
    in the held-out last `test_size` closes; the naive forecast is a return of 0. None when
    there is nothing to compare."""
    ahead = model.gap + model.horizon
    first_origin = len(closes) - test_size - 1  # the last close the model trained on
    origins = range(first_origin, len(closes) - ahead)
    if test_size == 0 or not origins:
        return None
    forecasts = model.predict(closes[first_origin - model.lookback + 1 : origins[-1] + 1])
    actual = target_returns(closes, origins, model.gap, model.horizon)
    naive_rmse = _rmse([0.0] * len(actual), actual)
    return (_rmse(forecasts, actual), naive_rmse, len(actual)) if naive_rmse > 0 else None


def _epochs_trained(model: MyLSTM) -> str:
    """'50 epochs', or 'N of at most 50 epochs (early stopping)' for a fit that stopped early."""
    trained = len(model.loss_history_)
    if model.patience is not None and trained < model.epochs:
        return f"{trained} of at most {model.epochs} epochs (early stopping)"
    return f"{model.epochs} epochs"


def _held_out_report(held_out: tuple[float, float, int] | None) -> str:
    if held_out is None:
        return ""
    model_rmse, naive_rmse, count = held_out
    return (
        f"; held-out {count} returns RMSE {model_rmse:.5f} vs naive {naive_rmse:.5f}"
        f" (ratio {model_rmse / naive_rmse:.3f})"
    )


def _rmse(forecasts, actuals) -> float:
    errors = [(float(f) - float(a)) ** 2 for f, a in zip(forecasts, actuals, strict=True)]
    return math.sqrt(sum(errors) / len(errors))


class StrategySettings:
    """The strategy's parameters, read from config.json through get_parameter and validated.

    Parameter values are strings in LEAN; an unusable one stops `initialize` with a message
    naming it and the value expected.
    """

    def __init__(self, read) -> None:
        self._read = read
        self.start_date = self._date("start-date", "2020-01-01")
        self.end_date = self._date("end-date", "2020-12-31")
        if self.end_date < self.start_date:
            raise ValueError(
                f"Parameter 'end-date' ({self.end_date:%Y-%m-%d}) is before 'start-date' "
                f"({self.start_date:%Y-%m-%d}); set an end date after the start date"
            )
        self.cash = self._number("cash", "100000", float, minimum=1)
        self.macro_tickers = self._macro_tickers("macro-symbols", "Bull: SPY")
        self.leading_key = next(iter(self.macro_tickers))
        self.risk_on = self._ticker_list("risk-on", DEFAULT_RISK_ON)
        self.risk_off = self._ticker_list("risk-off", DEFAULT_RISK_OFF)
        if not self.risk_on:
            raise ValueError(
                "Parameter 'risk-on' is empty: list the tickers to hold when the forecast is "
                "positive, e.g. 'QQQ, IWM'"
            )
        both = sorted(set(self.risk_on) & set(self.risk_off))
        if both:
            raise ValueError(
                f"Parameters 'risk-on' and 'risk-off' both list {', '.join(both)}: a ticker "
                "belongs to one group only"
            )
        self.forecast_target = self._text("forecast-target", "holding")
        if self.forecast_target not in FORECAST_GAPS:
            raise ValueError(
                f"Parameter 'forecast-target' must be one of {', '.join(FORECAST_GAPS)} "
                f"('holding': the position's interval, T's close to T+1's; 'next-close': the "
                f"post's, T-1's close to T's), got '{self.forecast_target}'"
            )
        self.history_bars = self._number("history-bars", "1280", int, minimum=2)
        self.test_size = self._number("test-size", "20", int, minimum=0)
        self.lookback = self._number("lookback", "60", int, minimum=1)
        self.units = self._number("units", "50", int, minimum=1)
        self.layers = self._number("layers", "4", int, minimum=1)
        self.dropout = self._number("dropout", "0.2", float, minimum=0, maximum=0.99)
        self.epochs = self._number("epochs", "50", int, minimum=1)
        self.retrain_epochs = self._number("retrain-epochs", "2", int, minimum=0)
        self.retrain_windows = self._number("retrain-windows", "250", int, minimum=0)
        self.batch_size = self._number("batch-size", "32", int, minimum=1)
        # 0: the batch size of the first fit.
        self.retrain_batch_size = self._number("retrain-batch-size", "0", int, minimum=0)
        jit_choices = {"true": True, "false": False, "auto": "auto"}
        jit_text = self._text("jit-compile", "true").lower()
        if jit_text not in jit_choices:
            raise ValueError(
                "Parameter 'jit-compile' must be true (XLA compiles the training step), false or "
                f"auto (Keras' choice), got '{jit_text}'"
            )
        self.jit_compile = jit_choices[jit_text]
        # Early stopping of the first fit on the latest windows; patience 0 trains all `epochs`.
        self.patience = self._number("patience", "3", int, minimum=0)
        self.validation_fraction = self._number(
            "validation-fraction", "0.1", float, minimum=0, maximum=0.5
        )
        if self.patience and not self.validation_fraction:
            raise ValueError(
                f"Parameter 'patience' ({self.patience}) stops the first fit early on a "
                "validation slice, but 'validation-fraction' is 0: set it above 0 (e.g. 0.1) or "
                "set 'patience' to 0 to train every epoch"
            )
        self.learning_rate = self._number("learning-rate", "0.001", float, minimum=1e-12)
        self.normalization = self._text("normalization", "last_close")
        self.max_error_ratio = self._number("max-error-ratio", "10", float, minimum=1e-12)
        self.seed = self._number("seed", "0", int, minimum=0, maximum=MAX_SEED)
        self.model_cache_mb = self._number("model-cache-mb", "200", float, minimum=0)
        ahead = FORECAST_GAPS[self.forecast_target] + 1
        if self.history_bars < self.lookback + self.test_size + ahead:
            raise ValueError(
                f"Parameter 'history-bars' ({self.history_bars}) must be at least lookback + "
                f"test-size + {ahead} (the sessions from a window's last close to the end of "
                f"the interval it forecasts) = {self.lookback + self.test_size + ahead}"
            )
        windows = self.history_bars - self.test_size - self.lookback - ahead + 1
        validation_windows = round(windows * self.validation_fraction)
        if self.patience and not 1 <= validation_windows < windows:
            raise ValueError(
                f"Parameter 'validation-fraction' ({self.validation_fraction:g}) of the {windows} "
                f"training windows that 'history-bars' ({self.history_bars}) gives leaves no "
                "validation or no training window for early stopping: raise 'history-bars', "
                "change 'validation-fraction', or set 'patience' to 0"
            )
        self.new_model()  # MyLSTM validates its own settings (e.g. the normalization name)

    @classmethod
    def from_algorithm(cls, algorithm: QCAlgorithm) -> "StrategySettings":
        return cls(lambda name, default: algorithm.get_parameter(name, default))

    def new_model(self) -> MyLSTM:
        try:
            return MyLSTM(
                lookback=self.lookback,
                units=self.units,
                layers=self.layers,
                dropout=self.dropout,
                epochs=self.epochs,
                batch_size=self.batch_size,
                warm_batch_size=self.retrain_batch_size or None,
                jit_compile=self.jit_compile,
                validation_fraction=self.validation_fraction if self.patience else 0.0,
                patience=self.patience or None,
                learning_rate=self.learning_rate,
                seed=self.seed,
                normalization=self.normalization,
                gap=FORECAST_GAPS[self.forecast_target],
                horizon=1,  # one session: decisions are daily
                warm_start=self.retrain_epochs > 0,
                warm_epochs=max(self.retrain_epochs, 1),
                retrain_windows=self.retrain_windows,
            ).check_params()
        except ValueError as error:
            raise ValueError(f"Unusable model parameter in config.json: {error}") from error

    def _text(self, name: str, default: str) -> str:
        value = self._read(name, default)
        return default if value is None else str(value).strip()

    def _date(self, name: str, default: str) -> datetime:
        value = self._text(name, default)
        try:
            return datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise ValueError(
                f"Parameter '{name}' must be a date written YYYY-MM-DD, got '{value}'"
            ) from None

    def _number(self, name, default, kind, minimum=None, maximum=None):
        value = self._text(name, default)
        try:
            number = kind(value)
        except ValueError:
            expected = "a whole number" if kind is int else "a number"
            raise ValueError(f"Parameter '{name}' must be {expected}, got '{value}'") from None
        if not math.isfinite(number):
            raise ValueError(f"Parameter '{name}' must be finite, got '{value}'")
        if minimum is not None and number < minimum:
            raise ValueError(f"Parameter '{name}' must be at least {minimum}, got '{value}'")
        if maximum is not None and number > maximum:
            raise ValueError(f"Parameter '{name}' must be at most {maximum}, got '{value}'")
        return number

    def _ticker_list(self, name: str, default: str) -> list[str]:
        """'QQQ, IWM' -> ['QQQ', 'IWM']; an empty value is an empty group."""
        tickers = [ticker.strip().upper() for ticker in self._text(name, default).split(",")]
        tickers = [ticker for ticker in tickers if ticker]
        if len(set(tickers)) != len(tickers) or any(
            not t.replace(".", "").isalnum() for t in tickers
        ):
            raise ValueError(
                f"Parameter '{name}' must list distinct tickers separated by commas, "
                f"e.g. 'QQQ, IWM', got '{self._text(name, default)}'"
            )
        return tickers

    def _macro_tickers(self, name: str, default: str) -> dict[str, str]:
        """'Bull: SPY, Tech: QQQ' -> {'Bull': 'SPY', 'Tech': 'QQQ'}; the first one leads."""
        value = self._text(name, default)
        tickers: dict[str, str] = {}
        for entry in value.split(","):
            key, separator, ticker = entry.partition(":")
            key, ticker = key.strip(), ticker.strip().upper()
            if (
                not separator
                or not MACRO_KEY_PATTERN.fullmatch(key)
                or not TICKER_PATTERN.fullmatch(ticker)
                or key in tickers
            ):
                raise ValueError(
                    f"Parameter '{name}' must list 'key: TICKER' pairs separated by commas with "
                    "distinct keys of letters, digits, '_' and inner spaces or '-' (a key names "
                    f"a stored model), e.g. 'Bull: SPY', got '{value}'"
                )
            tickers[key] = ticker
        return tickers
