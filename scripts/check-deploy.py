#!/usr/bin/env python3
"""Checks the deployment files: the Dockerfile at the repository root and
deploy/: every Kubernetes manifest parses as YAML and the pieces agree with
each other (Service, StatefulSet, addresses, ports, Secrets, one volume per
pod, the image the Dockerfile builds, the restore Job), and the systemd unit
and its environment file have what the cluster needs (a local state
directory, the backup settings).

There is no Docker engine where this runs, so the Dockerfile is checked
statically: its stages and base images, the packages each installs, the
products it builds exist in Package.swift, the runtime stage runs as a
non-root user with /recovery as a volume.

    python3 scripts/check-deploy.py            # exit 0, or 1 listing every problem
    python3 scripts/check-deploy.py --self-test  # also checks that broken copies are caught

Exit status 2 when PyYAML is missing (apt-get install python3-yaml).
"""
import copy
import os
import re
import shlex
import sys

try:
    import yaml
except ImportError:
    print("check-deploy: PyYAML is missing (apt-get install python3-yaml or pip install pyyaml)", file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KUBE = os.path.join(ROOT, "deploy", "kubernetes")
SYSTEMD = os.path.join(ROOT, "deploy", "systemd")
# The Swift release the project builds with (swift:<this>-bookworm).
SWIFT_RELEASE = "6.3"
# The variables of the S3 backup that must come from a Secret, and the
# optional ones (AWS_ENDPOINT_URL only for a service other than AWS).
BACKUP_VARIABLES = ("SLUICE_BACKUP_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")
OPTIONAL_BACKUP_VARIABLES = ("AWS_ENDPOINT_URL",)
RUNTIME_PACKAGES = ("librdkafka1", "libsqlite3-0", "ca-certificates")
# Foundation's parts that load a C library at run time, even with the Swift
# runtime linked in statically: the library's Debian package.
FOUNDATION_LIBRARIES = {"FoundationNetworking": "libcurl4", "FoundationXML": "libxml2"}
BUILD_PACKAGES = ("librdkafka-dev", "libsqlite3-dev")


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


def package_products(package_text):
    """The executable products Package.swift declares."""
    return set(re.findall(r'\.executable\(\s*name:\s*"([^"]+)"', package_text))


def foundation_imports():
    """The parts of Foundation that load a C library (FOUNDATION_LIBRARIES)
    which a file under Sources/ or Examples/ imports."""
    found = set()
    pattern = re.compile(r"^\s*(?:@\w+\s+)*(?:(?:public|package|internal)\s+)?import\s+(" +
                         "|".join(FOUNDATION_LIBRARIES) + r")\b", re.M)
    for top in ("Sources", "Examples"):
        for folder, _, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if name.endswith(".swift"):
                    with open(os.path.join(folder, name), errors="replace") as handle:
                        found |= set(pattern.findall(handle.read()))
    return found


def env_of(container):
    return {entry["name"]: entry for entry in container.get("env", [])}


def option(args, *names):
    """The value after the first of `names` in an argument list, or None."""
    for index, argument in enumerate(args):
        if argument in names and index + 1 < len(args):
            return args[index + 1]
    return None


def of_kind(objects, kind):
    return [o for (k, _), o in objects.items() if k == kind]


# ---- Dockerfile --------------------------------------------------------------

def dockerfile_stages(text):
    """The stages of a Dockerfile: [{image, name, instructions: [(op, args)]}],
    with continuation lines joined and comments dropped."""
    logical, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    stages, arguments = [], {}
    for line in logical:
        op, _, rest = line.partition(" ")
        op, rest = op.upper(), rest.strip()
        if op == "ARG" and not stages:
            name, _, value = rest.partition("=")
            arguments[name] = value.strip('"')
        elif op == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: arguments.get(m.group(1), m.group(0)), words[0])
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append({"image": image, "name": name, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((op, rest))
    return stages


def stage_text(stage, op):
    return "\n".join(rest for o, rest in stage["instructions"] if o == op)


def installed_packages(stage):
    """Packages named by `apt-get install` in a stage's RUN instructions."""
    packages = set()
    for command in re.findall(r"apt-get[^&;]*?\binstall\b([^&;|]*)", stage_text(stage, "RUN")):
        packages |= {w for w in command.split() if not w.startswith("-") and "=" not in w}
    return packages


def stage_argument(stage, name):
    for op, rest in stage["instructions"]:
        if op == "ARG" and rest.startswith(name + "="):
            return rest.split("=", 1)[1].strip().strip('"')
    return None


def check_dockerfile(text, products, imports=frozenset()):
    """The Dockerfile builds with the official Swift image and runs on slim
    Debian as a non-root user; returns (problems, facts) where facts holds
    what the manifests must agree with: the image title, the binaries, the
    user id."""
    problems = []
    stages = dockerfile_stages(text)
    facts = {"title": None, "binaries": set(), "uid": None}
    if len(stages) < 2:
        return [f"Dockerfile: {len(stages)} stage(s); expected a build stage and a runtime stage"], facts
    build, run = stages[0], stages[-1]
    expected_build = f"swift:{SWIFT_RELEASE}"
    if not re.fullmatch(rf"swift:{re.escape(SWIFT_RELEASE)}(\.\d+)?-bookworm", build["image"]):
        problems.append(f"Dockerfile: the build stage starts from {build['image']!r}, expected {expected_build}-bookworm "
                        "(the official Swift image of the project's release, on the runtime's Debian)")
    if run["image"] != "debian:bookworm-slim":
        problems.append(f"Dockerfile: the runtime stage starts from {run['image']!r}, expected debian:bookworm-slim")
    for package in BUILD_PACKAGES:
        if package not in installed_packages(build):
            problems.append(f"Dockerfile: the build stage does not install {package}")
    for package in RUNTIME_PACKAGES:
        if package not in installed_packages(run):
            problems.append(f"Dockerfile: the runtime stage does not install {package}")
    for module in sorted(imports):
        package = FOUNDATION_LIBRARIES[module]
        if package not in installed_packages(run):
            problems.append(f"Dockerfile: the code imports {module}, which loads {package} at run time; "
                            "the runtime stage does not install it")
    build_commands = stage_text(build, "RUN")
    if "swift build -c release" not in build_commands:
        problems.append("Dockerfile: the build stage has no `swift build -c release`")
    static = "--static-swift-stdlib" in build_commands
    copies = stage_text(run, "COPY")
    if not static and "/usr/lib/swift" not in copies:
        problems.append("Dockerfile: the binaries need the Swift runtime: build with --static-swift-stdlib "
                        "or COPY /usr/lib/swift/linux from the build stage")
    if not re.search(rf"--from=({re.escape(build['name'] or '')}|0)\b", copies):
        problems.append("Dockerfile: the runtime stage copies nothing from the build stage")
    built = (stage_argument(build, "PRODUCTS") or "").split()
    built += re.findall(r"--product\s+([A-Za-z0-9_-]+)", build_commands)
    if not built:
        problems.append("Dockerfile: the build stage names no product (ARG PRODUCTS or --product)")
    for product in built:
        if product not in products:
            problems.append(f"Dockerfile: {product!r} is not an executable product in Package.swift")
    facts["binaries"] = set(built)
    users = [rest for op, rest in run["instructions"] if op == "USER"]
    if not users:
        problems.append("Dockerfile: the runtime stage has no USER (it would run as root)")
    else:
        user = users[-1].split(":")[0]
        if user in ("root", "0"):
            problems.append(f"Dockerfile: the runtime stage runs as {users[-1]!r}; use a non-root user")
        facts["uid"] = int(user) if user.isdigit() else None
    volumes = " ".join(rest for op, rest in run["instructions"] if op == "VOLUME")
    if "/recovery" not in re.findall(r"/[\w/.-]+", volumes):
        problems.append("Dockerfile: the runtime stage declares no VOLUME /recovery")
    title = re.search(r'org\.opencontainers\.image\.title="?([^"\s]+)', stage_text(run, "LABEL"))
    if not title:
        problems.append("Dockerfile: no org.opencontainers.image.title label (the image name the manifests use)")
    else:
        facts["title"] = title.group(1)
    return problems, facts


# ---- Kubernetes ----------------------------------------------------------------

def secret_keys(objects, name):
    secret = objects.get(("Secret", name))
    if secret is None:
        return None
    return {**secret.get("stringData", {}), **secret.get("data", {})}


def check_secret_references(objects, owner, container):
    """Every secretKeyRef names a Secret here with that key (unless optional);
    every envFrom secretRef names a Secret here."""
    problems = []
    for entry in container.get("env", []):
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref is None:
            continue
        keys = secret_keys(objects, ref.get("name"))
        if keys is None:
            problems.append(f"{owner}: {entry['name']} comes from Secret {ref.get('name')!r}, which is not defined here")
        elif ref.get("key") not in keys and not ref.get("optional"):
            problems.append(f"{owner}: Secret {ref.get('name')} has no key {ref.get('key')!r} (for {entry['name']})")
    for source in container.get("envFrom", []):
        name = source.get("secretRef", {}).get("name")
        if "secretRef" in source and secret_keys(objects, name) is None:
            problems.append(f"{owner}: envFrom names Secret {name!r}, which is not defined here")
    return problems


def secret_variables(objects, container):
    """The variables a container takes from Secrets: name -> (secret, key)."""
    found = {}
    for source in container.get("envFrom", []):
        name = source.get("secretRef", {}).get("name")
        for key in secret_keys(objects, name) or {}:
            found[source.get("prefix", "") + key] = (name, key)
    for entry in container.get("env", []):
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref is not None:
            found[entry["name"]] = (ref.get("name"), ref.get("key"))
        else:
            found.pop(entry["name"], None)  # an explicit value wins over envFrom
    return found


def check_backup(objects, owner, container):
    """The S3 backup settings come from a Secret, the bucket URL is s3://."""
    problems = []
    variables = secret_variables(objects, container)
    for name in BACKUP_VARIABLES:
        if name not in variables:
            problems.append(f"{owner}: {name} must come from a Secret (secretKeyRef or envFrom)")
    for name in OPTIONAL_BACKUP_VARIABLES:
        if name in env_of(container) and name not in variables:
            problems.append(f"{owner}: {name} must come from a Secret")
    if "SLUICE_BACKUP_URL" in variables:
        secret, key = variables["SLUICE_BACKUP_URL"]
        url = (secret_keys(objects, secret) or {}).get(key, "")
        if url and not str(url).startswith("s3://"):
            problems.append(f"Secret {secret}: {key} is {url!r}, expected s3://bucket/prefix")
    return problems


def check_image(owner, container, facts, registry_image):
    """The container runs the image the Dockerfile builds, and a binary in it."""
    problems = []
    image = container.get("image", "")
    repository = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if facts["title"] and repository.rsplit("/", 1)[-1] != facts["title"]:
        problems.append(f"{owner}: image {image!r} is not the image the Dockerfile builds (…/{facts['title']}:tag)")
    if registry_image is not None and image != registry_image:
        problems.append(f"{owner}: image {image!r} differs from the StatefulSet's {registry_image!r}")
    program = (container.get("command") or [None])[0]
    if program is None:
        problems.append(f"{owner}: no command (the image's default is `sluice --help`)")
    elif facts["binaries"] and program not in facts["binaries"]:
        problems.append(f"{owner}: runs {program!r}, which the Dockerfile does not build ({sorted(facts['binaries'])})")
    return problems


def check_non_root(owner, pod_spec, container, facts):
    context = {**pod_spec.get("securityContext", {}), **container.get("securityContext", {})}
    problems = []
    if not context.get("runAsNonRoot"):
        problems.append(f"{owner}: set securityContext.runAsNonRoot: true (the image runs as a non-root user)")
    uid = context.get("runAsUser")
    if uid is not None and facts["uid"] is not None and uid != facts["uid"]:
        problems.append(f"{owner}: runAsUser {uid} is not the image's user {facts['uid']}")
    if uid == 0:
        problems.append(f"{owner}: runAsUser 0 is root")
    return problems


def check_kubernetes(objects, facts):
    problems = []
    sets = of_kind(objects, "StatefulSet")
    if len(sets) != 1:
        return [f"expected one StatefulSet, found {len(sets)}"]
    stateful = sets[0]
    set_name = stateful["metadata"]["name"]
    owner = f"StatefulSet {set_name}"
    spec = stateful["spec"]
    service = objects.get(("Service", spec.get("serviceName")))
    if service is None:
        problems.append(f"{owner}: serviceName {spec.get('serviceName')!r} is not a Service here")
    elif service["spec"].get("clusterIP") != "None":
        problems.append(f"Service {service['metadata']['name']}: must be headless (clusterIP: None)")
    elif not service["spec"].get("publishNotReadyAddresses"):
        problems.append(f"Service {service['metadata']['name']}: needs publishNotReadyAddresses: true")
    template = spec["template"]
    if template["metadata"]["labels"] != spec["selector"]["matchLabels"]:
        problems.append(f"{owner}: the selector does not match the pod labels")
    if service is not None and service["spec"].get("selector") != spec["selector"]["matchLabels"]:
        problems.append(f"Service {service['metadata']['name']}: its selector does not match the StatefulSet's pods")
    pod_spec = template["spec"]
    container = pod_spec["containers"][0]
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
    if "SLUICE_CLUSTER_SECRET" not in secret_variables(objects, container):
        problems.append("SLUICE_CLUSTER_SECRET must come from a Secret defined here")
    problems += check_secret_references(objects, owner, container)
    problems += check_backup(objects, owner, container)
    problems += check_image(owner, container, facts, None)
    problems += check_non_root(owner, pod_spec, container, facts)
    problems += check_volumes(objects, stateful, container)
    for job in of_kind(objects, "Job"):
        problems += check_restore_job(objects, job, stateful, facts, container.get("image"))
    return problems


def check_volumes(objects, stateful, container):
    """Every pod has its own ReadWriteOnce claim mounted at the -r path; no
    claim is shared, none is ReadWriteMany, and a removed pod's claim is kept."""
    problems = []
    set_name = stateful["metadata"]["name"]
    spec = stateful["spec"]
    for claim in of_kind(objects, "PersistentVolumeClaim"):
        modes = claim["spec"].get("accessModes", [])
        problems.append(f"PersistentVolumeClaim {claim['metadata']['name']}: a claim shared by the pods "
                        f"({', '.join(modes)}); each pod gets its own from volumeClaimTemplates")
    for volume in spec["template"]["spec"].get("volumes", []):
        if "persistentVolumeClaim" in volume:
            problems.append(f"StatefulSet {set_name}: volume {volume['name']!r} is one claim for every pod "
                            f"({volume['persistentVolumeClaim'].get('claimName')}); use volumeClaimTemplates")
    templates = {t["metadata"]["name"]: t for t in spec.get("volumeClaimTemplates", [])}
    for name, claim in templates.items():
        modes = claim["spec"].get("accessModes", [])
        if not modes or set(modes) - {"ReadWriteOnce", "ReadWriteOncePod"}:
            problems.append(f"volumeClaimTemplate {name}: access modes {modes}; a store is opened on one host only "
                            "(ReadWriteOnce), never over a shared filesystem")
    args = container.get("args", [])
    env = env_of(container)
    directory = option(args, "-r", "--recovery-directory") or env.get("SLUICE_RECOVERY_DIRECTORY", {}).get("value")
    mount = next((m for m in container.get("volumeMounts", []) if m["mountPath"] == directory), None)
    if directory is None or mount is None:
        problems.append(f"the recovery directory {directory!r} must be a mounted volume")
    elif mount["name"] not in templates:
        problems.append(f"the recovery directory {directory} mounts {mount['name']!r}, which is no "
                        "volumeClaimTemplate: each pod must mount its own claim there")
    retention = spec.get("persistentVolumeClaimRetentionPolicy", {})
    if retention.get("whenScaled", "Retain") != "Retain":
        problems.append(f"StatefulSet {set_name}: persistentVolumeClaimRetentionPolicy.whenScaled "
                        f"{retention.get('whenScaled')!r} deletes a removed pod's store; keep it (Retain)")
    return problems


def check_restore_job(objects, job, stateful, facts, image):
    """A Job restores the store of a removed process (id >= replicas) from the
    backup into the claim of a process that stays (id < replicas)."""
    name = job["metadata"]["name"]
    owner = f"Job {name}"
    pod_spec = job["spec"]["template"]["spec"]
    container = pod_spec["containers"][0]
    problems = check_image(owner, container, facts, image) + check_non_root(owner, pod_spec, container, facts)
    problems += check_secret_references(objects, owner, container)
    command = container.get("command", []) + container.get("args", [])
    if command[:3] != ["sluice", "recovery", "restore"]:
        return problems + [f"{owner}: runs {command}; the only Job here restores a removed process's store "
                           "(sluice recovery restore URL --name process-N --to DIR)"]
    problems += check_backup(objects, owner, container)
    set_name = stateful["metadata"]["name"]
    # The Job is for after a scale-down: its annotation says to how many pods.
    replicas_now = stateful["spec"].get("replicas", 1)
    after = str(job["metadata"].get("annotations", {}).get("sluice/replicas-after", ""))
    if not after.isdigit() or not 1 <= int(after) <= replicas_now:
        return problems + [f"{owner}: annotation sluice/replicas-after must say how many pods remain "
                           f"(1...{replicas_now}), got {after!r}"]
    replicas = int(after)
    templates = [t["metadata"]["name"] for t in stateful["spec"].get("volumeClaimTemplates", [])]
    restored = re.fullmatch(r"process-(\d+)", option(command, "--name") or "")
    if command[3:4] != ["$(SLUICE_BACKUP_URL)"]:
        problems.append(f"{owner}: the backup URL should be $(SLUICE_BACKUP_URL), got {command[3:4]}")
    if not restored:
        problems.append(f"{owner}: --name must be process-N, got {option(command, '--name')!r}")
    elif int(restored.group(1)) < replicas:
        problems.append(f"{owner}: restores process {restored.group(1)}, which still runs ({replicas} replicas after)")
    claims = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod_spec.get("volumes", [])}
    target = option(command, "--to") or ""
    mount = next((m for m in container.get("volumeMounts", []) if target.startswith(m["mountPath"].rstrip("/") + "/")), None)
    if mount is None:
        return problems + [f"{owner}: --to {target!r} is not on a mounted volume"]
    claim = re.fullmatch(rf"({'|'.join(map(re.escape, templates)) or '-'})-{re.escape(set_name)}-(\d+)",
                         claims.get(mount["name"]) or "")
    if claim is None:
        problems.append(f"{owner}: --to must be on a claim of the StatefulSet's pods "
                        f"(<template>-{set_name}-N), got {claims.get(mount['name'])!r}")
    elif int(claim.group(2)) >= replicas:
        problems.append(f"{owner}: restores into the claim of pod {claim.group(2)}, which no longer runs")
    elif restored and target.rstrip("/") != f"{mount['mountPath'].rstrip('/')}/process-{restored.group(1)}":
        problems.append(f"{owner}: --to {target!r} should be {mount['mountPath'].rstrip('/')}/process-{restored.group(1)}")
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




# ---- systemd -------------------------------------------------------------------

def check_systemd(unit_text, env_text):
    problems = []
    sections = re.findall(r"^\[(\w+)\]", unit_text, flags=re.M)
    if sections != ["Unit", "Service", "Install"]:
        problems.append(f"sluice@.service: sections {sections}, expected Unit, Service, Install")
    unit = dict(re.findall(r"^(\w+)=(.*)$", unit_text, flags=re.M))
    exec_start = re.search(r"^ExecStart=((?:.*\\\n)*.*)$", unit_text, flags=re.M)
    command = exec_start.group(1).replace("\\\n", " ") if exec_start else ""
    if not re.search(r"(-i|--process-id) %i\b", command):
        problems.append("sluice@.service: ExecStart must pass -i %i (the instance is the process id)")
    if unit.get("Restart") != "always":
        problems.append("sluice@.service: Restart=always restarts the processes that failed fast or that a "
                        "peer's stop stopped (exit 0)")
    service_part = unit_text.split("[Service]")[1].split("[Install]")[0] if "[Service]" in unit_text else ""
    if "StartLimitIntervalSec" in service_part:
        problems.append("sluice@.service: StartLimitIntervalSec belongs in [Unit]")
    state = unit.get("StateDirectory", "").split()
    directory = re.search(r"(?:-r|--recovery-directory)[ =](\S+)", command)
    if not state:
        problems.append("sluice@.service: StateDirectory= gives each host a local recovery directory")
    elif directory is None or directory.group(1).rstrip("/") not in (f"%S/{state[0]}", "${STATE_DIRECTORY}", "$STATE_DIRECTORY"):
        problems.append(f"sluice@.service: ExecStart must pass -r %S/{state[0]} (the StateDirectory), "
                        f"got {directory.group(1) if directory else None!r}")
    env = dict(line.split("=", 1) for line in env_text.splitlines() if line and not line.startswith("#"))
    for name in ("SLUICE_ADDRESSES", "SLUICE_CLUSTER_SECRET") + BACKUP_VARIABLES:
        if not env.get(name):
            problems.append(f"cluster.env.example: {name} is not set")
    if env.get("SLUICE_BACKUP_URL") and not env["SLUICE_BACKUP_URL"].startswith("s3://"):
        problems.append(f"cluster.env.example: SLUICE_BACKUP_URL {env['SLUICE_BACKUP_URL']!r} is not s3://bucket/prefix")
    if "SLUICE_RECOVERY_DIRECTORY" in env:
        problems.append("cluster.env.example: SLUICE_RECOVERY_DIRECTORY would be one directory for every host; "
                        "the unit passes its local state directory with -r")
    for entry in env.get("SLUICE_ADDRESSES", "").split(";"):
        if not re.fullmatch(r"[A-Za-z0-9.-]+:[0-9]+", entry):
            problems.append(f"cluster.env.example: address {entry!r} is not host:port")
    metrics = env.get("SLUICE_METRICS_ADDRESS")
    if "--metrics-address" not in unit_text and not (metrics and re.fullmatch(r".+:[0-9]+", metrics)):
        problems.append("the systemd unit must pass the metrics address (--metrics-address or SLUICE_METRICS_ADDRESS)")
    if "SLUICE_PROCESS_ID" in env:
        problems.append("cluster.env.example: the process id differs per host; it comes from the unit's instance")
    return problems


# ---- self-test -----------------------------------------------------------------

def self_test(objects, dockerfile, products, imports, unit_text, env_text):
    """Each broken copy must be caught: the checks can fail."""
    _, facts = check_dockerfile(dockerfile, products, imports)

    def broken(change):
        copied = copy.deepcopy(objects)
        change(copied)
        return check_kubernetes(copied, facts)

    def stateful(o):
        return of_kind(o, "StatefulSet")[0]

    def container(o):
        return stateful(o)["spec"]["template"]["spec"]["containers"][0]

    def container_env(o, name):
        return next(e for e in container(o)["env"] if e["name"] == name)

    def job(o):
        return of_kind(o, "Job")[0]["spec"]["template"]["spec"]

    def job_args(o, flag, value):
        args = job(o)["containers"][0]["args"]
        args[args.index(flag) + 1] = value

    def shared_claim(o):
        spec = stateful(o)["spec"]
        spec.pop("volumeClaimTemplates")
        spec["template"]["spec"]["volumes"] = [{"name": "recovery", "persistentVolumeClaim": {"claimName": "shared"}}]
        o[("PersistentVolumeClaim", "shared")] = {"kind": "PersistentVolumeClaim", "metadata": {"name": "shared"},
                                                  "spec": {"accessModes": ["ReadWriteMany"]}}

    cases = {
        "replicas without an address": lambda o: stateful(o)["spec"].update(replicas=4),
        "an address out of order": lambda o: container_env(o, "SLUICE_ADDRESSES").update(
            value=";".join(reversed(container_env(o, "SLUICE_ADDRESSES")["value"].split(";")))),
        "a Service with a cluster IP": lambda o: of_kind(o, "Service")[0]["spec"].pop("clusterIP"),
        "a wrong secret key": lambda o: container_env(o, "SLUICE_CLUSTER_SECRET")["valueFrom"]["secretKeyRef"].update(key="x"),
        "a numeric process id": lambda o: container_env(o, "SLUICE_PROCESS_ID").update(value="0"),
        "a readiness probe of /healthz": lambda o: container(o)["readinessProbe"]["httpGet"].update(path="/healthz"),
        "no liveness probe": lambda o: container(o).pop("livenessProbe"),
        "a scrape annotation on another port": lambda o: stateful(o)["spec"]["template"]["metadata"][
            "annotations"].update({"prometheus.io/port": "9091"}),
        "a metrics address on loopback": lambda o: container_env(o, "SLUICE_METRICS_ADDRESS").update(value="127.0.0.1:9090"),
        "a metrics port that is no containerPort": lambda o: container_env(o, "SLUICE_METRICS_ADDRESS").update(
            value="0.0.0.0:9999"),
        "one ReadWriteMany claim for every pod": shared_claim,
        "a ReadWriteMany claim template": lambda o: stateful(o)["spec"]["volumeClaimTemplates"][0]["spec"].update(
            accessModes=["ReadWriteMany"]),
        "the recovery directory on another volume": lambda o: container(o)["volumeMounts"][0].update(mountPath="/data"),
        "claims deleted on scale-down": lambda o: stateful(o)["spec"]["persistentVolumeClaimRetentionPolicy"].update(
            whenScaled="Delete"),
        "a backup key missing from the Secret": lambda o: o[("Secret", "word-count-backup")]["stringData"].pop(
            "AWS_SECRET_ACCESS_KEY"),
        "a backup URL written in the manifest": lambda o: container_env(o, "SLUICE_BACKUP_URL").update(
            value="s3://bucket/prefix", valueFrom=None) or container_env(o, "SLUICE_BACKUP_URL").pop("valueFrom"),
        "a backup URL that is not s3://": lambda o: o[("Secret", "word-count-backup")]["stringData"].update(
            SLUICE_BACKUP_URL="https://bucket.example.com/prefix"),
        "an image the Dockerfile does not build": lambda o: container(o).update(image="registry.example.com/other:1"),
        "a command the image does not hold": lambda o: container(o).update(command=["flink-word-count"]),
        "a pod that may run as root": lambda o: stateful(o)["spec"]["template"]["spec"].pop("securityContext"),
        "a restore Job for a process that still runs": lambda o: job_args(o, "--name", "process-1"),
        "a restore Job into a removed pod's claim": lambda o: job(o)["volumes"][0]["persistentVolumeClaim"].update(
            claimName="recovery-word-count-2"),
        "a restore Job into the wrong directory": lambda o: job_args(o, "--to", "/recovery/process-0"),
        "a restore Job without the backup Secret": lambda o: job(o)["containers"][0].pop("envFrom"),
        "a restore Job that removes no pod": lambda o: of_kind(o, "Job")[0]["metadata"]["annotations"].update(
            {"sluice/replicas-after": "3"}),
        "a shared-claim init Job": lambda o: job(o)["containers"][0].update(
            command=["sluice", "recovery", "init", "/recovery"], args=[]),
    }
    missed = [name for name, change in cases.items() if not broken(change)]
    docker_cases = {
        "a single-stage Dockerfile": lambda t: re.sub(r"(?ms)^FROM debian.*", "", t),
        "a build stage on another Swift": lambda t: t.replace(f"swift:{SWIFT_RELEASE}-bookworm", "swift:5.10-bookworm"),
        "a runtime stage on full Debian": lambda t: t.replace("debian:bookworm-slim", "debian:bookworm"),
        "a runtime without librdkafka1": lambda t: re.sub(r"\blibrdkafka1\b", "", t),
        "a runtime without libsqlite3-0": lambda t: re.sub(r"\blibsqlite3-0\b", "", t),
        "a build without librdkafka-dev": lambda t: re.sub(r"\blibrdkafka-dev\b", "", t),
        "a product Package.swift lacks": lambda t: t.replace('ARG PRODUCTS="', 'ARG PRODUCTS="no-such-product '),
        "a runtime that runs as root": lambda t: re.sub(r"(?m)^USER .*$", "USER root", t),
        "a runtime with no USER": lambda t: re.sub(r"(?m)^USER .*$", "", t),
        "no /recovery volume": lambda t: re.sub(r"(?m)^VOLUME .*$", "", t),
        "no Swift runtime": lambda t: t.replace("--static-swift-stdlib", ""),
    }
    for name, change in docker_cases.items():
        if not check_dockerfile(change(dockerfile), products, imports)[0]:
            missed.append(name)
    stripped = re.sub(r"\b(libcurl4|libxml2)\b", "", dockerfile)
    if not check_dockerfile(stripped, products, {"FoundationNetworking"})[0]:
        missed.append("code that imports FoundationNetworking, without libcurl4")
    if not check_systemd(unit_text.replace("-i %i", ""), env_text):
        missed.append("a unit without -i %i")
    if not check_systemd(unit_text, env_text + "SLUICE_PROCESS_ID=0\n"):
        missed.append("an env file with a process id")
    if not check_systemd(unit_text, "\n".join(l for l in env_text.splitlines() if "METRICS" not in l)):
        missed.append("an env file without a metrics address")
    if not check_systemd(re.sub(r"(?m)^StateDirectory=.*\n", "", unit_text), env_text):
        missed.append("a unit without StateDirectory=")
    if not check_systemd(unit_text.replace(" -r %S/sluice", ""), env_text):
        missed.append("a unit without -r")
    if not check_systemd(unit_text, env_text + "SLUICE_RECOVERY_DIRECTORY=/mnt/nfs/word-count\n"):
        missed.append("an env file with a shared recovery directory")
    if not check_systemd(unit_text, "\n".join(l for l in env_text.splitlines() if "BACKUP_URL" not in l)):
        missed.append("an env file without a backup URL")
    return [f"self-test: {name} was not caught" for name in missed]


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as handle:
        return handle.read()


def main():
    objects = load_manifests()
    dockerfile = read("Dockerfile")
    products = package_products(read("Package.swift"))
    unit_text = read("deploy", "systemd", "sluice@.service")
    env_text = read("deploy", "systemd", "cluster.env.example")
    imports = foundation_imports()
    problems, facts = check_dockerfile(dockerfile, products, imports)
    problems += check_kubernetes(objects, facts) + check_systemd(unit_text, env_text)
    if "--self-test" in sys.argv[1:]:
        problems += self_test(objects, dockerfile, products, imports, unit_text, env_text)
    for problem in problems:
        print(f"check-deploy: {problem}", file=sys.stderr)
    if problems:
        return 1
    kinds = sorted(f"{kind}/{name}" for kind, name in objects)
    print(f"check-deploy: ok (Dockerfile: {facts['title']} image with {', '.join(sorted(facts['binaries']))}; "
          f"{', '.join(kinds)}; systemd unit and env file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
