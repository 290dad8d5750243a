"""LSTM macro strategy: forecast each macro symbol's next close with a stacked LSTM and rotate
between S&P 500 sector ETFs (with inverse Treasury ETFs) and long Treasury ETFs.

Runs unchanged on QuantConnect's cloud, under `lean backtest`, and offline with
`python -m local_lean main.py`. Every setting is a parameter in config.json.
"""

import builtins
import math
import re
from datetime import datetime, timedelta

from AlgorithmImports import *

from lstm_model import MAX_SEED, MyLSTM

# SHV holds Treasury bills of under a year: it is not an inverse fund, although LEAN's
# LiquidETFUniverse files it under TREASURIES.inverse. Buying it when the macro forecast says
# "rates up" would be a bet on cash, not against bonds, so it is left out.
NOT_INVERSE_TREASURIES = {"SHV"}

MODEL_KEY_PREFIX = "lstm-macro"

# A macro key names its stored model ("lstm-macro/<key>-<ticker>.keras"), so it keeps to the
# characters every object store accepts in a file name; a ticker is letters, digits and dots.
MACRO_KEY_PATTERN = re.compile(r"[A-Za-z0-9_]+(?:[ -][A-Za-z0-9_]+)*")
TICKER_PATTERN = re.compile(r"[A-Z0-9]+(?:\.[A-Z0-9]+)*")


class LstmMacroAlgorithm(QCAlgorithm):
    """Monthly-retrained LSTM forecasts of macro symbols turned into one-day insights."""

    def initialize(self) -> None:
        self.strategy_settings = StrategySettings.from_algorithm(self)
        self.set_start_date(self.strategy_settings.start_date)
        self.set_end_date(self.strategy_settings.end_date)
        self.set_cash(self.strategy_settings.cash)

        self.macro_symbols = {
            key: self.add_equity(ticker, Resolution.DAILY).symbol
            for key, ticker in self.strategy_settings.macro_tickers.items()
        }
        self.sector_etfs = self._add_etfs(LiquidETFUniverse.SP_500_SECTORS.long)
        self.long_treasuries = self._add_etfs(LiquidETFUniverse.TREASURIES.long)
        inverse = LiquidETFUniverse.TREASURIES.inverse
        self.inverse_treasuries = self._add_etfs(
            [symbol for symbol in inverse if symbol.value not in NOT_INVERSE_TREASURIES]
        )

        # Without a portfolio construction model, LEAN records insights and trades nothing.
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())

        self.models: dict[str, MyLSTM] = {}
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
        warm_start = previous is not None and settings.retrain_epochs > 0
        epochs = settings.retrain_epochs if warm_start else settings.epochs
        undo = None
        if previous is None or not warm_start:
            candidate = settings.new_model()
        elif self.live_mode:
            # Live training runs beside the daily predictions: train a copy, then swap it in.
            candidate = previous.copy()
        else:
            # A backtest waits for training: fine-tune in place (a copy would trace its training
            # step again, doubling the cost) and undo a failed fit from the saved state.
            candidate, undo = previous, previous.learned_state()
        try:
            features, labels, _, test_closes = candidate.process_data(closes, settings.test_size)
            if warm_start and settings.retrain_windows > 0:
                # Fine-tuning on the latest windows costs a fraction of a pass over all of them
                # and forecasts as well (bench/training_budget.py).
                features = features[-settings.retrain_windows :]
                labels = labels[-settings.retrain_windows :]
            candidate.fit_model(features, labels, epochs=epochs)
            check = candidate.predict_next(closes[-settings.lookback :])
            if not math.isfinite(check):
                raise ValueError(f"the trained model forecasts {check}")
            held_out = _held_out_errors(candidate, closes, test_closes)
            # A finite loss can still be an absurd model (e.g. a huge learning rate): one far
            # worse than repeating the last close must not trade.
            if held_out is not None and held_out[0] > settings.max_error_ratio * held_out[1]:
                raise ValueError(
                    f"its held-out RMSE {held_out[0]:.4g} is {held_out[0] / held_out[1]:.4g} "
                    f"times the naive forecast's {held_out[1]:.4g}, above 'max-error-ratio' "
                    f"{settings.max_error_ratio:g}"
                )
        # builtins.Exception: LEAN's `from System import *` can shadow the name Exception with
        # System.Exception, which does not catch Python errors.
        except builtins.Exception as error:  # keep the previous model; the log says why
            if undo is not None:
                candidate.restore_state(undo)
            kept = (
                "the previous model is kept"
                if previous is not None
                else "no model yet, so no forecasts until a fit succeeds"
            )
            self.error(f"Training {key} ({symbol.value}) failed at {self.time}: {error}; {kept}")
            return

        self.models[key] = candidate
        mode = (
            f"warm start, {epochs} epochs on the latest {len(features)} windows"
            if warm_start
            else f"from scratch, {epochs} epochs"
        )
        self.log(
            f"Trained {key} ({symbol.value}) at {self.time} on {len(closes)} closes ({mode})"
            + _held_out_report(held_out, len(test_closes))
        )
        if self.live_mode:
            self._store_model(key, candidate)

    # ----- prediction and insights ------------------------------------------------------------

    def predict_and_emit_insights(self) -> None:
        """Forecast today's close of each macro symbol and emit one-day insights."""
        bull_up = None
        for key, symbol in self.macro_symbols.items():
            delta = self._forecast_change(key, symbol)
            if key == self.strategy_settings.leading_key:
                bull_up = None if delta is None else delta > 0
        if bull_up is None:
            return

        risk_on = InsightDirection.UP if bull_up else InsightDirection.FLAT
        risk_off = InsightDirection.FLAT if bull_up else InsightDirection.UP
        insights = [
            Insight.price(symbol, timedelta(days=1), direction)
            for group, direction in (
                (self.sector_etfs, risk_on),
                (self.inverse_treasuries, risk_on),
                (self.long_treasuries, risk_off),
            )
            for symbol in group
            if self._has_price(symbol)
        ]
        if insights:
            self.emit_insights(insights)

    def _forecast_change(self, key: str, symbol: Symbol) -> float | None:
        """Plot the forecast of today's close and return forecast / last close - 1."""
        model = self.models.get(key)
        if model is None:
            self._log_skip(f"no-model-{key}", f"No trained model for {key} yet: not predicting")
            return None
        closes = self._daily_closes(symbol, model.lookback)
        if closes is None or len(closes) < model.lookback:
            self._log_skip(
                f"predict-short-{key}",
                f"Too little history to forecast {key} ({symbol.value}) at {self.time}: "
                f"{0 if closes is None else len(closes)} closes, {model.lookback} needed",
            )
            return None
        forecast = model.predict_next(closes)
        last_close = closes[-1]
        if not math.isfinite(forecast) or last_close <= 0:
            self._log_skip(
                f"non-finite-{key}",
                f"Unusable forecast for {key} ({symbol.value}) at {self.time}: "
                f"forecast {forecast}, last close {last_close}",
            )
            return None
        self.plot("Prediction Plot", f"Predicted {key}", forecast)
        return forecast / last_close - 1

    def on_data(self, data: Slice) -> None:
        # Today's close arrives at the close: plot it beside the forecast made this morning.
        for key, symbol in self.macro_symbols.items():
            if data.bars.contains_key(symbol):
                self.plot("Prediction Plot", f"Actual {key}", data.bars[symbol].close)

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
            if model is not None:
                self.models[key] = model
                self.log(f"Loaded the stored {key} model from '{self._model_key(key)}'")

    # ----- helpers ----------------------------------------------------------------------------

    def _add_etfs(self, symbols: list[Symbol]) -> list[Symbol]:
        macro = set(self.macro_symbols.values())
        return [
            self.add_equity(symbol.value, Resolution.DAILY).symbol
            for symbol in symbols
            if symbol not in macro
        ]

    def _daily_closes(self, symbol: Symbol, bars: int) -> list[float] | None:
        """The last `bars` daily closes before today, oldest first; None without data."""
        history = self.history([symbol], bars, Resolution.DAILY)
        if history.empty or symbol not in history.index.get_level_values(0):
            return None
        closes = history.loc[symbol]["close"].dropna()
        return [float(price) for price in closes]

    def _has_price(self, symbol: Symbol) -> bool:
        security = self.securities[symbol]
        return security.has_data and security.price > 0

    def _log_skip(self, reason: str, message: str) -> None:
        """Log each kind of skip once, so a daily condition does not flood the log."""
        if reason not in self.logged_skips:
            self.logged_skips.add(reason)
            self.log(message)


def _held_out_errors(model: MyLSTM, closes: list[float], test_closes) -> tuple[float, float] | None:
    """(model RMSE, naive RMSE) on the held-out last closes; None without a usable comparison."""
    test_size = len(test_closes)
    if test_size == 0:
        return None
    inputs = closes[-(test_size + model.lookback) : -1]
    forecasts = model.predict_from_model(inputs)
    previous = closes[-(test_size + 1) : -1]
    naive_rmse = _rmse(previous, test_closes)
    return (_rmse(forecasts, test_closes), naive_rmse) if naive_rmse > 0 else None


def _held_out_report(held_out: tuple[float, float] | None, test_size: int) -> str:
    if held_out is None:
        return ""
    model_rmse, naive_rmse = held_out
    return (
        f"; held-out {test_size} days RMSE {model_rmse:.4f} vs naive {naive_rmse:.4f}"
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
        self.history_bars = self._number("history-bars", "1280", int, minimum=2)
        self.test_size = self._number("test-size", "20", int, minimum=0)
        self.lookback = self._number("lookback", "60", int, minimum=1)
        self.units = self._number("units", "50", int, minimum=1)
        self.layers = self._number("layers", "4", int, minimum=1)
        self.dropout = self._number("dropout", "0.2", float, minimum=0, maximum=0.99)
        self.epochs = self._number("epochs", "50", int, minimum=1)
        self.retrain_epochs = self._number("retrain-epochs", "5", int, minimum=0)
        self.retrain_windows = self._number("retrain-windows", "250", int, minimum=0)
        self.batch_size = self._number("batch-size", "32", int, minimum=1)
        self.learning_rate = self._number("learning-rate", "0.001", float, minimum=1e-12)
        self.normalization = self._text("normalization", "last_close")
        self.max_error_ratio = self._number("max-error-ratio", "10", float, minimum=1e-12)
        self.seed = self._number("seed", "0", int, minimum=0, maximum=MAX_SEED)
        if self.history_bars < self.lookback + self.test_size + 1:
            raise ValueError(
                f"Parameter 'history-bars' ({self.history_bars}) must be at least lookback + "
                f"test-size + 1 = {self.lookback + self.test_size + 1}"
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
                learning_rate=self.learning_rate,
                seed=self.seed,
                normalization=self.normalization,
            )
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
