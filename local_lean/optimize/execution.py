"""Backtests on Ray: long-lived workers (Ray actors), one per core, each running many sets.

- A local Ray instance by default, one CPU per worker (workers = cores), or an existing
  cluster (``address``). Each worker runs TensorFlow on one thread (intra- and inter-op), so
  that two workers on two cores do not fight over them.
- A worker (``BacktestWorker``) keeps what every set shares from one set to the next: the
  algorithm's module (and so TensorFlow, which it imports), config.json's parameters and the
  price data, read by its first set. Each backtest still gets a fresh algorithm instance.
- A set's backtest runs ``local_lean.run_backtest`` into a scratch folder and returns the files
  it wrote; the driver alone writes the optimisation folder, so the same code works when the
  workers are other machines. Its object store is its own, except for the key prefixes given
  as ``shared_storage``: those live in one folder for all the sets of the optimisation (on a
  cluster, one per machine), for content-addressed entries such as main.py's model cache, so
  that a model one set trained is served to the others.
- A backtest that raises is a failed set (its error comes back); a worker process that dies
  mid-backtest (killed, out of memory) is restarted and runs the set once more, and a second
  death reports the set failed. The other sets go on either way.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_lean.errors import LocalLeanError
from local_lean.optimize.strategies import ParameterSet

#: Environment of every worker: one TensorFlow thread, quiet TensorFlow start-up.
WORKER_ENVIRONMENT = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
#: Ray's own notices that say nothing about the optimisation (a local instance has no metrics
#: agent; no accelerators are used).
RAY_QUIET = {
    "RAY_enable_metrics_collection": "0",
    "RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO": "0",
    "RAY_USAGE_STATS_ENABLED": "0",
}
#: What a cluster's workers do not need from the project folder.
UPLOAD_EXCLUDES = ["backtests", "storage", "optimizations", ".git", "__pycache__", "*.pyc"]


class RayUnavailableError(LocalLeanError):
    """Ray could not be started or reached: nothing ran."""


def check_reachable(address: str, timeout_seconds: float = 5.0) -> None:
    """Raise RayUnavailableError at once when a "host:port" address does not answer (Ray
    itself keeps retrying for minutes). "auto", "local" and ray:// addresses are left to Ray."""
    host, separator, port = address.rpartition(":")
    if not separator or "://" in address or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout_seconds).close()
    except OSError as error:
        raise RayUnavailableError(
            f"--address {address}: no Ray cluster answers there ({error}); start one with "
            "`ray start --head` and give its address, or leave --address out for a local one"
        ) from None


@dataclass(frozen=True)
class BacktestJob:
    """What every set's backtest shares: the algorithm and ``run_backtest``'s options."""

    algorithm: str  # the path the worker opens
    fixed_parameters: dict[str, str] = field(default_factory=dict)  # over config.json's
    options: dict[str, Any] = field(default_factory=dict)  # run_backtest's other options


@dataclass
class TaskOutcome:
    """A finished task: the files the backtest wrote (name -> bytes), or why there are none."""

    parameter_set: ParameterSet
    files: dict[str, bytes]
    error: str | None
    seconds: float


def run_backtest_files(
    job: BacktestJob,
    values: dict[str, str],
    shared_storage: dict[str, Path] | None = None,
    loaded: LoadedProject | None = None,
) -> dict[str, Any]:
    """Run one backtest and return its files; never raises for the backtest's own errors.

    With ``loaded``, the algorithm class, project parameters and price data it holds are used
    instead of reading them again."""
    _one_tensorflow_thread()
    from local_lean.engine import run_backtest

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="local-lean-set-") as scratch:
        try:
            algorithm: Any = job.algorithm
            parameters = {**job.fixed_parameters, **values}
            options = dict(job.options)
            if loaded is not None:
                algorithm = loaded.algorithm_class
                parameters = {**loaded.project_parameters, **parameters}
                options["data"] = loaded.price_source
            outcome = run_backtest(
                algorithm,
                parameters=parameters,
                output=Path(scratch) / "output",
                storage=Path(scratch) / "storage",
                shared_storage=dict(shared_storage or {}),
                progress=False,
                log=lambda line: None,
                **options,
            )
        except Exception as error:  # noqa: BLE001 - setup errors fail this set only
            return {
                "files": {},
                "error": f"{type(error).__name__}: {error}\n{traceback.format_exc()}",
                "seconds": time.perf_counter() - started,
            }
        files: dict[str, bytes] = {}
        if outcome.results_path is not None:
            files = {p.name: p.read_bytes() for p in Path(outcome.results_path).iterdir()}
        return {
            "files": files,
            "error": outcome.runtime_error,
            "seconds": time.perf_counter() - started,
        }


@dataclass(frozen=True)
class LoadedProject:
    """What every set of one job reads the same: kept by a worker from one set to the next."""

    algorithm_class: type
    project_parameters: dict[str, str]
    price_source: Any  # local_lean.data.PriceSource


def load_project(job: BacktestJob) -> LoadedProject:
    """Import the algorithm's module (TensorFlow with it, when it uses it), read config.json's
    parameters and open the price data."""
    from local_lean.data import open_price_source
    from local_lean.loader import load_algorithm_class, read_project_parameters

    return LoadedProject(
        load_algorithm_class(job.algorithm),
        read_project_parameters(Path(job.algorithm)),
        open_price_source(job.options.get("data"), seed=job.options.get("seed") or 0),
    )


class BacktestWorker:
    """A Ray actor that runs the sets it is given one after another in one process, loading
    the project (``load_project``) once, with its first set. A load that fails fails that set
    only, and the next set tries again."""

    def __init__(self, job: BacktestJob, shared_storage: dict[str, Path]) -> None:
        _one_tensorflow_thread()
        self.job = job
        self.shared_storage = shared_storage
        self.loaded: LoadedProject | None = None

    def run(self, values: dict[str, str]) -> dict[str, Any]:
        if self.loaded is None:
            started = time.perf_counter()
            try:
                self.loaded = load_project(self.job)
            except Exception as error:  # noqa: BLE001 - reported as this set's failure
                return {
                    "files": {},
                    "error": f"{type(error).__name__}: {error}\n{traceback.format_exc()}",
                    "seconds": time.perf_counter() - started,
                }
        return run_backtest_files(self.job, values, self.shared_storage, self.loaded)

    def process_id(self) -> int:
        return os.getpid()


def _one_tensorflow_thread() -> None:
    """TensorFlow reads these when it starts in this worker (its C++ runtime's
    TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS); set here too for workers that Ray did not
    start with them. Importing TensorFlow here would cost algorithms that never use it."""
    for name, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


class RayExecutor:
    """Runs parameter sets on ``max_concurrent`` long-lived Ray workers, one set each at a time."""

    def __init__(
        self,
        job: BacktestJob,
        *,
        address: str | None = None,
        workers: int | None = None,
        max_concurrent: int | None = None,
        project_folder: Path | None = None,
        shared_storage: Sequence[str] = (),
    ) -> None:
        for name, value in RAY_QUIET.items():
            os.environ.setdefault(name, value)
        import ray

        self._ray = ray
        self.started_ray = False
        environment = dict(WORKER_ENVIRONMENT)
        package = Path(__file__).resolve().parent.parent  # local_lean itself
        # A worker that dies is started again and runs its set once more (a second death
        # fails the set).
        worker_options: dict[str, Any] = {"num_cpus": 1, "max_restarts": -1, "max_task_retries": 1}
        if address:
            # A cluster's workers get the algorithm's folder and local_lean uploaded; Ray takes
            # folders to upload only when the job connects.
            cluster_env = {"env_vars": environment, "py_modules": [str(package)]}
            if project_folder is not None:
                cluster_env["working_dir"] = str(project_folder)
                cluster_env["excludes"] = UPLOAD_EXCLUDES
            self._start(address=address, runtime_env=cluster_env)
        else:
            paths = [str(package.parent), os.environ.get("PYTHONPATH", "")]
            environment["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
            worker_options["runtime_env"] = {"env_vars": environment}
            # "local": a new instance here, even where `ray start` left a cluster to join.
            cpus = workers or os.cpu_count() or 1
            self._start(address="local", num_cpus=cpus, include_dashboard=False)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.max_concurrent = max(1, min(max_concurrent or cpus, cpus))
        # One folder per optimisation for the shared key prefixes, removed at the end.
        self.shared_folder = Path(tempfile.mkdtemp(prefix="local-lean-shared-storage-"))
        shared = {prefix: self.shared_folder / prefix.strip("/") for prefix in shared_storage}
        worker_class = ray.remote(BacktestWorker).options(**worker_options)
        self.workers = [worker_class.remote(job, shared) for _ in range(self.max_concurrent)]

    def _start(self, **arguments: Any) -> None:
        """Start (or join) Ray unless this process already did (a caller's own instance)."""
        ray = self._ray
        if ray.is_initialized():
            return
        try:
            ray.init(log_to_driver=False, logging_level=logging.WARNING, **arguments)
        except (ConnectionError, TimeoutError, ValueError) as error:
            where = arguments["address"]
            raise RayUnavailableError(
                f"cannot start or reach Ray ({where}): {error}; check --address, or leave it "
                "out for a local instance"
            ) from error
        self.started_ray = True

    def run(
        self,
        next_set: Callable[[int], ParameterSet | None],
        on_outcome: Callable[[TaskOutcome], None],
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Pull sets from ``next_set(in_flight)`` while a worker is free; hand each finished one
        to ``on_outcome`` as it finishes. Returns when ``next_set`` has none left and nothing is
        in flight, or after ``should_stop()``, once the sets in flight have finished."""
        ray = self._ray
        idle = list(self.workers)
        in_flight: dict[Any, tuple[ParameterSet, float, Any]] = {}
        while True:
            while idle and not should_stop():
                parameter_set = next_set(len(in_flight))
                if parameter_set is None:
                    break
                worker = idle.pop(0)
                reference = worker.run.remote(parameter_set.values)
                in_flight[reference] = (parameter_set, time.perf_counter(), worker)
            if not in_flight:  # nothing to run now, and nothing running that could add more
                return
            done, _ = ray.wait(list(in_flight), num_returns=1)
            parameter_set, started, worker = in_flight.pop(done[0])
            idle.append(worker)
            on_outcome(self._collect(done[0], parameter_set, started))

    def _collect(self, reference: Any, parameter_set: ParameterSet, started: float) -> TaskOutcome:
        ray = self._ray
        try:
            result = ray.get(reference)
        except ray.exceptions.RayError as error:
            died = isinstance(
                error,
                ray.exceptions.RayActorError
                | ray.exceptions.WorkerCrashedError
                | ray.exceptions.NodeDiedError,
            )
            reason = (
                "the worker process running it died on both attempts (killed, or out of memory)"
                if died
                else f"{type(error).__name__}: {error}"
            )
            return TaskOutcome(parameter_set, {}, reason, time.perf_counter() - started)
        return TaskOutcome(parameter_set, result["files"], result["error"], result["seconds"])

    def shutdown(self) -> None:
        """Stop the workers (a caller's own Ray instance gets its CPUs back), remove the shared
        folder, and stop Ray if this executor started it."""
        for worker in self.workers:
            self._ray.kill(worker)
        self.workers = []
        shutil.rmtree(self.shared_folder, ignore_errors=True)
        if self.started_ray:
            self._ray.shutdown()
