#!/usr/bin/env python3
"""Checks the deployment files in deploy/: every Kubernetes manifest parses as
YAML and the pieces agree with each other (Service, StatefulSet, addresses,
ports, Secret, shared recovery claim, init Job), and the systemd unit and its
environment file have what the cluster needs.

    python3 scripts/check-deploy.py            # exit 0, or 1 listing every problem
    python3 scripts/check-deploy.py --self-test  # also checks that broken copies are caught

Exit status 2 when PyYAML is missing (apt-get install python3-yaml).
"""
import copy
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("check-deploy: PyYAML is missing (apt-get install python3-yaml or pip install pyyaml)", file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KUBE = os.path.join(ROOT, "deploy", "kubernetes")
SYSTEMD = os.path.join(ROOT, "deploy", "systemd")


def load_manifests():
    """Every document of every .yaml file, keyed by (kind, name)."""
    objects = {}
    for name in sorted(os.listdir(KUBE)):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(KUBE, name)) as handle:
            for document in yaml.safe_load_all(handle):
                if document is None:
                    continue
                for field in ("apiVersion", "kind", "metadata"):
                    if field not in document:
                        raise ValueError(f"{name}: a document has no {field}")
                objects[(document["kind"], document["metadata"]["name"])] = document
    return objects


def env_of(container):
    return {entry["name"]: entry for entry in container.get("env", [])}


def option(args, *names):
    """The value after the first of `names` in an argument list, or None."""
    for index, argument in enumerate(args):
        if argument in names and index + 1 < len(args):
            return args[index + 1]
    return None


def check_kubernetes(objects):
    problems = []
    sets = [o for (kind, _), o in objects.items() if kind == "StatefulSet"]
    if len(sets) != 1:
        return [f"expected one StatefulSet, found {len(sets)}"]
    stateful = sets[0]
    set_name = stateful["metadata"]["name"]
    spec = stateful["spec"]
    service = objects.get(("Service", spec.get("serviceName")))
    if service is None:
        problems.append(f"StatefulSet {set_name}: serviceName {spec.get('serviceName')!r} is not a Service here")
    elif service["spec"].get("clusterIP") != "None":
        problems.append(f"Service {service['metadata']['name']}: must be headless (clusterIP: None)")
    elif not service["spec"].get("publishNotReadyAddresses"):
        problems.append(f"Service {service['metadata']['name']}: needs publishNotReadyAddresses: true")
    if "volumeClaimTemplates" in spec:
        problems.append(f"StatefulSet {set_name}: a volumeClaimTemplate gives each pod its own recovery directory")
    template = spec["template"]
    if template["metadata"]["labels"] != spec["selector"]["matchLabels"]:
        problems.append(f"StatefulSet {set_name}: the selector does not match the pod labels")
    if service is not None and service["spec"].get("selector") != spec["selector"]["matchLabels"]:
        problems.append(f"Service {service['metadata']['name']}: its selector does not match the StatefulSet's pods")
    containers = template["spec"]["containers"]
    container = containers[0]
    env = env_of(container)
    if env.get("SLUICE_PROCESS_ID", {}).get("value") != "hostname" and option(container.get("args", []), "-i", "--process-id") != "hostname":
        problems.append("the process id must come from the pod name (SLUICE_PROCESS_ID: hostname or -i hostname)")
    hostname = env.get("HOSTNAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    if hostname != "metadata.name":
        problems.append("HOSTNAME must be set from metadata.name")
    problems += check_monitoring(template, container, env, service)
    replicas = spec.get("replicas", 1)
    addresses = env.get("SLUICE_ADDRESSES", {}).get("value", "")
    entries = [entry for entry in addresses.split(";") if entry]
    if len(entries) != replicas:
        problems.append(f"SLUICE_ADDRESSES has {len(entries)} entries for {replicas} replicas")
    ports = {p["containerPort"] for p in container.get("ports", [])}
    service_name = spec.get("serviceName")
    for index, entry in enumerate(entries):
        match = re.fullmatch(r"([a-z0-9.-]+):([0-9]+)", entry)
        if not match:
            problems.append(f"SLUICE_ADDRESSES entry {index} {entry!r} is not host:port")
            continue
        host, port = match.group(1), int(match.group(2))
        if host.split(".")[:2] != [f"{set_name}-{index}", service_name]:
            problems.append(f"SLUICE_ADDRESSES entry {index} {entry!r} should be {set_name}-{index}.{service_name}:<port>")
        if port not in ports:
            problems.append(f"SLUICE_ADDRESSES entry {index}: port {port} is not a containerPort ({sorted(ports)})")
        if service is not None and port not in {p["port"] for p in service["spec"]["ports"]}:
            problems.append(f"SLUICE_ADDRESSES entry {index}: port {port} is not a port of the Service")
    secret_ref = env.get("SLUICE_CLUSTER_SECRET", {}).get("valueFrom", {}).get("secretKeyRef", {})
    secret = objects.get(("Secret", secret_ref.get("name")))
    if secret is None:
        problems.append("SLUICE_CLUSTER_SECRET must come from a Secret defined here")
    elif secret_ref.get("key") not in {**secret.get("stringData", {}), **secret.get("data", {})}:
        problems.append(f"Secret {secret_ref.get('name')} has no key {secret_ref.get('key')!r}")
    args = container.get("args", [])
    directory = option(args, "-r", "--recovery-directory") or env.get("SLUICE_RECOVERY_DIRECTORY", {}).get("value")
    workers = int(option(args, "-w", "--workers-per-process") or env.get("SLUICE_WORKERS_PER_PROCESS", {}).get("value", 1))
    volumes = {v["name"]: v for v in template["spec"].get("volumes", [])}
    mount = next((m for m in container.get("volumeMounts", []) if m["mountPath"] == directory), None)
    if directory is None or mount is None:
        problems.append(f"the recovery directory {directory!r} must be a mounted volume")
        return problems
    claim_name = volumes.get(mount["name"], {}).get("persistentVolumeClaim", {}).get("claimName")
    claim = objects.get(("PersistentVolumeClaim", claim_name))
    if claim is None:
        problems.append(f"the recovery volume must be a PersistentVolumeClaim defined here, got {claim_name!r}")
    elif "ReadWriteMany" not in claim["spec"].get("accessModes", []):
        problems.append(f"PersistentVolumeClaim {claim_name}: every pod must mount it, so it must be ReadWriteMany")
    jobs = [o for (kind, _), o in objects.items() if kind == "Job"]
    if len(jobs) != 1:
        problems.append(f"expected one recovery-init Job, found {len(jobs)}")
        return problems
    job_spec = jobs[0]["spec"]["template"]["spec"]
    command = job_spec["containers"][0].get("command", []) + job_spec["containers"][0].get("args", [])
    partitions = int(option(command, "--partitions") or 4)
    if command[:3] != ["sluice", "recovery", "init"]:
        problems.append(f"the Job should run `sluice recovery init`, runs {command}")
    if partitions < replicas * workers:
        problems.append(f"the Job makes {partitions} partition files for {replicas} x {workers} workers")
    job_claims = {v.get("persistentVolumeClaim", {}).get("claimName") for v in job_spec.get("volumes", [])}
    if claim_name not in job_claims:
        problems.append(f"the Job must initialize the claim {claim_name}")
    return problems


def check_monitoring(template, container, env, service):
    """The metrics endpoint, its probes and the Prometheus scrape annotations agree."""
    problems = []
    address = option(container.get("args", []), "--metrics-address") or env.get("SLUICE_METRICS_ADDRESS", {}).get("value")
    match = re.fullmatch(r"(.+):([0-9]+)", address or "")
    if not match:
        return [f"the monitoring endpoint needs SLUICE_METRICS_ADDRESS or --metrics-address HOST:PORT, got {address!r}"]
    host, port = match.group(1), int(match.group(2))
    if host in ("127.0.0.1", "localhost", "::1", "[::1]"):
        problems.append(f"the metrics address {address!r} listens on loopback only: probes and Prometheus cannot reach it")
    named = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    if port not in named.values():
        problems.append(f"the metrics port {port} is not a containerPort ({sorted(named.values())})")
    for kind, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        probe = container.get(kind, {}).get("httpGet")
        if probe is None:
            problems.append(f"{kind}: an httpGet probe of {path} is missing")
            continue
        if probe.get("path") != path:
            problems.append(f"{kind}: probes {probe.get('path')!r}, should probe {path}")
        probe_port = named.get(probe.get("port"), probe.get("port"))
        if probe_port != port:
            problems.append(f"{kind}: probes port {probe.get('port')!r}, the metrics endpoint listens on {port}")
    annotations = template["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/scrape") != "true":
        problems.append('the pod template needs the annotation prometheus.io/scrape: "true"')
    if annotations.get("prometheus.io/port") != str(port):
        problems.append(f"prometheus.io/port is {annotations.get('prometheus.io/port')!r}, the metrics port is {port}")
    if annotations.get("prometheus.io/path", "/metrics") != "/metrics":
        problems.append(f"prometheus.io/path is {annotations.get('prometheus.io/path')!r}, should be /metrics")
    if container.get("readinessProbe") and service is not None and not service["spec"].get("publishNotReadyAddresses"):
        problems.append("with a readiness probe the headless Service must publish not-ready addresses (peers connect before ready)")
    return problems


def check_systemd(unit_text, env_text):
    problems = []
    sections = re.findall(r"^\[(\w+)\]", unit_text, flags=re.M)
    if sections != ["Unit", "Service", "Install"]:
        problems.append(f"sluice@.service: sections {sections}, expected Unit, Service, Install")
    unit = dict(re.findall(r"^(\w+)=(.*)$", unit_text, flags=re.M))
    exec_start = re.search(r"^ExecStart=((?:.*\\\n)*.*)$", unit_text, flags=re.M)
    if not exec_start or not re.search(r"(-i|--process-id) %i\b", exec_start.group(1)):
        problems.append("sluice@.service: ExecStart must pass -i %i (the instance is the process id)")
    if unit.get("Restart") != "always":
        problems.append("sluice@.service: Restart=always restarts the processes that failed fast or that a "
                        "peer's stop stopped (exit 0)")
    service_part = unit_text.split("[Service]")[1].split("[Install]")[0] if "[Service]" in unit_text else ""
    if "StartLimitIntervalSec" in service_part:
        problems.append("sluice@.service: StartLimitIntervalSec belongs in [Unit]")
    env = dict(line.split("=", 1) for line in env_text.splitlines() if line and not line.startswith("#"))
    for name in ("SLUICE_ADDRESSES", "SLUICE_CLUSTER_SECRET", "SLUICE_RECOVERY_DIRECTORY"):
        if not env.get(name):
            problems.append(f"cluster.env.example: {name} is not set")
    for entry in env.get("SLUICE_ADDRESSES", "").split(";"):
        if not re.fullmatch(r"[A-Za-z0-9.-]+:[0-9]+", entry):
            problems.append(f"cluster.env.example: address {entry!r} is not host:port")
    metrics = env.get("SLUICE_METRICS_ADDRESS")
    if "--metrics-address" not in unit_text and not (metrics and re.fullmatch(r".+:[0-9]+", metrics)):
        problems.append("the systemd unit must pass the metrics address (--metrics-address or SLUICE_METRICS_ADDRESS)")
    if "SLUICE_PROCESS_ID" in env:
        problems.append("cluster.env.example: the process id differs per host; it comes from the unit's instance")
    return problems


def self_test(objects, unit_text, env_text):
    """Each broken copy must be caught: the checks can fail."""
    def broken(change):
        copied = copy.deepcopy(objects)
        change(copied)
        return check_kubernetes(copied)

    def stateful(o):
        return next(v for (k, _), v in o.items() if k == "StatefulSet")

    def container_env(o, name):
        return next(e for e in stateful(o)["spec"]["template"]["spec"]["containers"][0]["env"] if e["name"] == name)

    cases = {
        "replicas without an address": lambda o: stateful(o)["spec"].update(replicas=4),
        "an address out of order": lambda o: container_env(o, "SLUICE_ADDRESSES").update(
            value=";".join(reversed(container_env(o, "SLUICE_ADDRESSES")["value"].split(";")))),
        "a ReadWriteOnce claim": lambda o: next(v for (k, _), v in o.items() if k == "PersistentVolumeClaim")[
            "spec"].update(accessModes=["ReadWriteOnce"]),
        "a Service with a cluster IP": lambda o: next(v for (k, _), v in o.items() if k == "Service")["spec"].pop("clusterIP"),
        "a wrong secret key": lambda o: container_env(o, "SLUICE_CLUSTER_SECRET")["valueFrom"]["secretKeyRef"].update(key="x"),
        "a numeric process id": lambda o: container_env(o, "SLUICE_PROCESS_ID").update(value="0"),
        "a readiness probe of /healthz": lambda o: stateful(o)["spec"]["template"]["spec"]["containers"][0][
            "readinessProbe"]["httpGet"].update(path="/healthz"),
        "no liveness probe": lambda o: stateful(o)["spec"]["template"]["spec"]["containers"][0].pop("livenessProbe"),
        "a scrape annotation on another port": lambda o: stateful(o)["spec"]["template"]["metadata"][
            "annotations"].update({"prometheus.io/port": "9091"}),
        "a metrics address on loopback": lambda o: container_env(o, "SLUICE_METRICS_ADDRESS").update(value="127.0.0.1:9090"),
        "a metrics port that is no containerPort": lambda o: container_env(o, "SLUICE_METRICS_ADDRESS").update(
            value="0.0.0.0:9999"),
    }
    missed = [name for name, change in cases.items() if not broken(change)]
    if not check_systemd(unit_text.replace("-i %i", ""), env_text):
        missed.append("a unit without -i %i")
    if not check_systemd(unit_text, env_text + "SLUICE_PROCESS_ID=0\n"):
        missed.append("an env file with a process id")
    if not check_systemd(unit_text, "\n".join(l for l in env_text.splitlines() if "METRICS" not in l)):
        missed.append("an env file without a metrics address")
    return [f"self-test: {name} was not caught" for name in missed]


def main():
    objects = load_manifests()
    with open(os.path.join(SYSTEMD, "sluice@.service")) as handle:
        unit_text = handle.read()
    with open(os.path.join(SYSTEMD, "cluster.env.example")) as handle:
        env_text = handle.read()
    problems = check_kubernetes(objects) + check_systemd(unit_text, env_text)
    if "--self-test" in sys.argv[1:]:
        problems += self_test(objects, unit_text, env_text)
    for problem in problems:
        print(f"check-deploy: {problem}", file=sys.stderr)
    if problems:
        return 1
    kinds = sorted(f"{kind}/{name}" for kind, name in objects)
    print(f"check-deploy: ok ({', '.join(kinds)}; systemd unit and env file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
