# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""Trains a tiny Keras model at each month end and stores it; on the month end named by the
'interrupt-on' parameter it sends itself the signal named by 'signal' in the middle of the fit,
as Ctrl-C (SIGINT) or a `kill` (SIGTERM) would."""

import os
import signal

import keras
import numpy as np
from AlgorithmImports import *


class SignalInFit(keras.callbacks.Callback):
    def __init__(self, signal_number):
        super().__init__()
        self.signal_number = signal_number

    def on_train_batch_end(self, batch, logs=None):
        if batch == 1:
            os.kill(os.getpid(), self.signal_number)


class InterruptedWhileTrainingAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 12, 31)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.interrupt_on = self.get_parameter("interrupt-on", "2020-08-31")
        self.signal_number = getattr(signal, self.get_parameter("signal", "SIGTERM"))
        self.model = keras.Sequential(
            [keras.Input((5, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)]
        )
        self.model.compile(optimizer="adam", loss="mse")
        self.train(self.date_rules.month_end(self.spy), self.time_rules.at(8, 0), self.fit)
        self.schedule.on(
            self.date_rules.every_day(self.spy),
            self.time_rules.after_market_open(self.spy, 5),
            self.rebalance,
        )

    def fit(self):
        callbacks = []
        if f"{self.time:%Y-%m-%d}" == self.interrupt_on:
            callbacks.append(SignalInFit(self.signal_number))
        windows = np.linspace(0, 1, 64 * 5, dtype="float32").reshape(64, 5, 1)
        self.model.fit(
            windows, windows[:, -1, 0], batch_size=8, epochs=2, verbose=0, callbacks=callbacks
        )
        self.object_store.save("interrupted/fits.txt", f"{self.time:%Y-%m-%d}")

    def rebalance(self):
        if not self.portfolio.invested:
            self.set_holdings(self.spy, 1)
