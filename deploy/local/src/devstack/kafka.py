"""Apache Kafka, one KRaft node (broker + controller) on 127.0.0.1, run from the cached jars."""

import os
import subprocess
import threading
import uuid
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from pathlib import Path

from devstack import kafka_admin, kafka_dist
from devstack.errors import ComponentFailed
from devstack.ports import HOST, accepts_connections, ensure_free
from devstack.process import ManagedProcess

# Small and fast-starting on a 2-core box: the serial GC and the C1-only JIT take a quarter off the
# broker's start (a dev broker never runs long enough to miss C2), the class archive (see
# _class_sharing) another third; measurements in the README.
JVM_OPTIONS = ["-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]

SERVER_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{host}:{controller_port}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}
advertised.listeners=PLAINTEXT://{host}:{port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={data}
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumer groups in tests should not wait 3 s for more members that never come.
group.initial.rebalance.delay.ms=0
# The broker shares 2 cores with libvips, so its idle and per-request CPU is the platform's loss.
# The controller appends a no-op record to the metadata log every 500 ms by default, for brokers to
# notice a silent controller; one combined node has no other broker: none (0). With the pools below
# the idle broker (stack only) went from ~22 to ~15 ms/s; the raft-io thread was the largest part.
metadata.max.idle.interval.ms=0
# Thread pools sized for a dozen local connections instead of a production broker's defaults
# (3 network, 8 I/O, 10 background, 4 group coordinator threads): fewer idle pollers waking up.
num.network.threads=1
num.io.threads=2
background.threads=2
group.coordinator.threads=1
"""


class Kafka:
    name = "kafka"

    def __init__(
        self, root: Path, port: int, controller_port: int, cancel: threading.Event | None = None
    ) -> None:
        self.dir = root / "kafka"
        self.port = port
        self.controller_port = controller_port
        self.cancel = cancel
        self.version = kafka_dist.kafka_version()
        self.log_path = root / "logs" / "kafka.log"
        self.process: ManagedProcess | None = None
        self._archive: Path | None = None
        self._archive_draft: Path | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{HOST}:{self.port}"

    def start(self) -> None:
        ensure_free(self.port, "kafka", "DEVSTACK_KAFKA_PORT")
        ensure_free(self.controller_port, "kafka controller", "DEVSTACK_KAFKA_CONTROLLER_PORT")
        java = kafka_dist.java_executable()
        jars = kafka_dist.ensure_jars(self.version)
        classpath = f"{jars}/*"
        data, tmp = self.dir / "data", self.dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        config = self.dir / "server.properties"
        config.write_text(
            SERVER_PROPERTIES.format(
                host=HOST, port=self.port, controller_port=self.controller_port, data=data
            )
        )
        jvm = [
            java, *JVM_OPTIONS,
            kafka_dist.NO_PERF_DATA,
            f"-Djava.io.tmpdir={tmp}",  # native libs (zstd, snappy) unpack here, not in /tmp
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={kafka_dist.LOG4J_CONFIG}",
            "-cp", classpath,
        ]  # fmt: skip
        if not (data / "meta.properties").exists():
            self._format(jvm, config)
        self.process = ManagedProcess(
            "kafka",
            [*jvm, *self._class_sharing(java, jars), "kafka.Kafka", config],
            log_path=self.log_path,
            cwd=self.dir,
        )
        self.process.start()
        self.process.wait_ready(self._answers_metadata, timeout=90, cancel=self.cancel)

    def stop(self) -> None:
        if self.process:
            self.process.stop()
        self._keep_class_archive()

    def kill(self) -> None:
        if self.process:
            self.process.kill()
        if self._archive_draft:
            self._archive_draft.unlink(missing_ok=True)  # a killed JVM writes no usable archive

    def _class_sharing(self, java: str, jars: Path) -> list[str]:
        archive = kafka_dist.class_archive(java, jars)
        if archive.exists():
            return [f"-XX:SharedArchiveFile={archive}"]
        # The first broker records the archive when it exits; a private name until it is whole.
        self._archive_draft = archive.with_name(f".{archive.name}.{os.getpid()}.draft")
        self._archive = archive
        return [f"-XX:ArchiveClassesAtExit={self._archive_draft}"]

    def _keep_class_archive(self) -> None:
        if self._archive and self._archive_draft and self._archive_draft.exists():
            self._archive_draft.replace(self._archive)
        self._archive_draft = None

    def create_topics(self, names: Iterable[str], partitions: int = 1) -> None:
        kafka_admin.create_topics(self.bootstrap_servers, names, partitions)

    def _format(self, jvm: list[str], config: Path) -> None:
        # KRaft storage needs a cluster id once; later starts reuse the formatted data dir.
        # Passed as --cluster-id=ID: an id starting with "-" would otherwise read as an option.
        cluster_id = urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # An id starting with "-" would be read as an option by the storage tool's parser.
        cluster_id = "A" + cluster_id[1:] if cluster_id.startswith("-") else cluster_id
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            result = subprocess.run(
                [*jvm, "kafka.tools.StorageTool", "format", f"--cluster-id={cluster_id}",
                 "-c", str(config)],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.dir, check=False, timeout=120,
            )  # fmt: skip
        if result.returncode != 0:
            raise ComponentFailed("kafka", "storage format failed", self.log_path)

    def _answers_metadata(self) -> bool:
        if not accepts_connections(self.port):
            return False  # not listening yet: spares the log aiokafka's connection errors
        return kafka_admin.answers_metadata(self.bootstrap_servers)
