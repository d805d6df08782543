/// The live dashboard served at `/`: one self-contained HTML page (inline
/// CSS and JavaScript, nothing fetched from elsewhere) that reads
/// `/dataflow` and `/metrics` every second and shows the graph with items/s
/// on each step, per-partition Kafka lag, the epoch and snapshot timeline,
/// and the cluster's members and workers.
///
/// ```swift
/// let html = DashboardPage.html   // what GET / returns
/// ```
public enum DashboardPage {
    /// The page.
    public static let html: String = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sluice dashboard</title>
<style>
:root { --fg:#1d2330; --muted:#667085; --line:#d0d5dd; --bg:#f6f7f9; --card:#fff; --ok:#12805c; --warn:#b54708; --bad:#b42318; --accent:#2e5aac; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:16px; align-items:center; padding:12px 20px; background:#1d2330; color:#fff; flex-wrap:wrap; }
header h1 { font-size:18px; margin:0; }
.badge { padding:2px 10px; border-radius:10px; font-weight:600; background:#475467; }
.badge.running { background:var(--ok); } .badge.failed { background:var(--bad); } .badge.stopping, .badge.resuming, .badge.starting { background:var(--warn); }
main { display:grid; grid-template-columns: 1fr 1fr; gap:16px; padding:16px 20px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; overflow:auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size:15px; margin:0 0 8px 0; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:3px 8px; border-bottom:1px solid var(--line); font-variant-numeric: tabular-nums; }
th { color:var(--muted); font-weight:600; }
.muted { color:var(--muted); }
.reason { color:var(--bad); font-weight:600; }
svg text { font:12px system-ui, sans-serif; }
.node rect { fill:#eef2fb; stroke:var(--accent); }
.node.input rect { fill:#e7f6ec; stroke:var(--ok); } .node.output rect { fill:#fdf1e7; stroke:var(--warn); }
.node .rate { font-weight:700; }
.edge { stroke:#98a2b3; stroke-width:1.5; fill:none; marker-end:url(#arrow); }
.scope { fill:none; stroke:#98a2b3; stroke-dasharray:4 3; }
.kv { display:flex; gap:24px; flex-wrap:wrap; margin-bottom:8px; }
.kv div b { display:block; font-size:20px; }
</style>
</head>
<body data-refreshes="0">
<header>
  <h1>Sluice · <span id="flow">…</span></h1>
  <span id="phase" class="badge">…</span>
  <span id="ready">…</span>
  <span id="where" class="muted"></span>
  <span id="conn" class="muted">connecting…</span>
</header>
<div id="reason" class="reason" style="padding:0 20px"></div>
<main>
  <section class="wide"><h2>Dataflow (items/s per step)</h2><div id="graph" class="muted">waiting for /dataflow…</div></section>
  <section><h2>Epochs and snapshots</h2><div class="kv" id="epochs"></div><div id="timeline"></div></section>
  <section><h2>Kafka partitions (lag in messages)</h2><div id="lag" class="muted">no Kafka partition is read</div></section>
  <section><h2>Cluster members</h2><div id="members"></div></section>
  <section><h2>Workers and partitions</h2><div id="workers"></div></section>
</main>
<script>
"use strict";
let previous = null;
const rates = {};

function esc(text) {
  return String(text).replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c]));
}
function fmt(n) {
  if (n === undefined || n === null || isNaN(n)) return "–";
  if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let l;
    while ((l = re.exec(m[2] || "")) !== null) labels[l[1]] = l[2].replace(/\\"/g, "\"").replace(/\\\\/g, "\\");
    samples.push({ name: m[1], labels, value: parseFloat(m[3]) });
  }
  return samples;
}
function sum(samples, name, filter) {
  let total = 0, found = false;
  for (const s of samples) if (s.name === name && (!filter || filter(s.labels))) { total += s.value; found = true; }
  return found ? total : undefined;
}
function max(samples, name) {
  let best;
  for (const s of samples) if (s.name === name && (best === undefined || s.value > best)) best = s.value;
  return best;
}
function shortName(flow, id) { return id.startsWith(flow + ".") ? id.slice(flow.length + 1) : id; }

function renderGraph(flow, samples, now) {
  const steps = flow.steps;
  if (!steps.length) { document.getElementById("graph").textContent = "no steps"; return; }
  const layer = {}, rows = {};
  for (const step of steps) {
    const ups = flow.edges.filter(e => e.to === step.id).map(e => layer[e.from] ?? 0);
    layer[step.id] = ups.length ? Math.max(...ups) + 1 : 0;
  }
  const counts = {};
  const W = 168, H = 62, GX = 34, GY = 16, P = 12;
  const pos = {};
  for (const step of steps) {
    const l = layer[step.id];
    counts[l] = (counts[l] ?? 0);
    pos[step.id] = { x: P + l * (W + GX), y: P + 14 + counts[l] * (H + GY) };
    counts[l] += 1;
  }
  const width = P * 2 + (Math.max(...Object.values(layer)) + 1) * (W + GX);
  const height = P * 2 + 14 + Math.max(...Object.values(counts)) * (H + GY);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="dataflow graph">`;
  svg += `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#98a2b3"/></marker></defs>`;
  for (const e of flow.edges) {
    const a = pos[e.from], b = pos[e.to];
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    svg += `<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}"/>`;
    if (e.port !== "down") svg += `<text x="${mx}" y="${(y1 + y2) / 2 - 4}" fill="#667085">${esc(e.port)}</text>`;
  }
  for (const step of steps) {
    const p = pos[step.id];
    const inCount = sum(samples, "sluice_step_items_in_total", l => l.step === step.id);
    const outCount = sum(samples, "sluice_step_items_out_total", l => l.step === step.id);
    const count = step.kind === "input" ? outCount : (inCount ?? outCount);
    let rate;
    if (count !== undefined && previous && previous.counts[step.id] !== undefined && now > previous.time) {
      rate = Math.max(0, (count - previous.counts[step.id]) / ((now - previous.time) / 1000));
      rates[step.id] = rate;
    } else rate = rates[step.id];
    const scope = step.scope !== flow.flow ? shortName(flow.flow, step.scope) + " › " : "";
    svg += `<g class="node ${esc(step.kind)}" data-step="${esc(step.id)}"><title>${esc(step.id)} (${esc(step.kind)})</title>`;
    svg += `<rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6"/>`;
    svg += `<text x="${p.x + 8}" y="${p.y + 17}" font-weight="600">${esc(scope + shortName(flow.flow, step.id).split(".").pop())}</text>`;
    svg += `<text x="${p.x + 8}" y="${p.y + 34}" fill="#667085">${esc(step.kind)} · ${fmt(count ?? 0)} items</text>`;
    svg += `<text class="rate" x="${p.x + 8}" y="${p.y + 52}">${fmt(rate ?? 0)} items/s</text></g>`;
  }
  svg += "</svg>";
  document.getElementById("graph").innerHTML = svg;
  const next = { time: now, counts: {} };
  for (const step of steps) {
    const inCount = sum(samples, "sluice_step_items_in_total", l => l.step === step.id);
    const outCount = sum(samples, "sluice_step_items_out_total", l => l.step === step.id);
    const count = step.kind === "input" ? outCount : (inCount ?? outCount);
    if (count !== undefined) next.counts[step.id] = count;
  }
  previous = next;
}

function renderEpochs(flow, samples) {
  const current = max(samples, "sluice_epoch_current");
  const committed = flow.committedEpoch ?? max(samples, "sluice_epoch_committed");
  const snapCount = sum(samples, "sluice_snapshot_write_seconds_count");
  const snapSum = sum(samples, "sluice_snapshot_write_seconds_sum");
  const mean = snapCount ? (snapSum / snapCount) * 1000 : undefined;
  document.getElementById("epochs").innerHTML =
    `<div>current epoch<b>${fmt(current)}</b></div><div>committed epoch<b>${fmt(committed)}</b></div>` +
    `<div>snapshots written<b>${fmt(flow.timeline.filter(e => e.kind === "snapshot").length || snapCount)}</b></div>` +
    `<div>mean snapshot write<b>${mean === undefined ? "–" : mean.toFixed(1) + " ms"}</b></div>`;
  const events = flow.timeline.slice(-60);
  if (!events.length) { document.getElementById("timeline").innerHTML = `<span class="muted">no snapshot yet (a recovery directory, -r, enables snapshots)</span>`; return; }
  const t0 = events[0].time, t1 = Math.max(events[events.length - 1].time, t0 + 1);
  const w = 520, h = 60;
  let svg = `<svg width="${w}" height="${h + 20}" role="img" aria-label="epoch timeline">`;
  svg += `<line x1="0" y1="${h}" x2="${w}" y2="${h}" stroke="#d0d5dd"/>`;
  let lastLabel = -100;
  for (const e of events) {
    const x = 4 + ((e.time - t0) / (t1 - t0)) * (w - 8);
    const committedEvent = e.kind === "committed";
    svg += `<line x1="${x}" x2="${x}" y1="${committedEvent ? 10 : 30}" y2="${h}" stroke="${committedEvent ? "#12805c" : "#2e5aac"}" stroke-width="2"><title>${esc(e.kind)} epoch ${e.epoch}${e.worker !== null && e.worker !== undefined ? " worker " + e.worker : ""}</title></line>`;
    if (committedEvent && x - lastLabel > 28) {
      svg += `<text x="${x + 2}" y="9" fill="#12805c">${e.epoch}</text>`;
      lastLabel = x;
    }
  }
  svg += `<text x="0" y="${h + 16}" fill="#667085">green: committed epochs · blue: snapshots per worker · last ${Math.round(t1 - t0)} s</text></svg>`;
  document.getElementById("timeline").innerHTML = svg;
}

function renderLag(samples) {
  const rows = samples.filter(s => s.name === "sluice_kafka_partition_lag");
  if (!rows.length) { document.getElementById("lag").innerHTML = "no Kafka partition is read"; return; }
  const order = s => String(s.labels.topic ?? "") + "\u0000" + String(s.labels.partition ?? "").padStart(6, "0");
  rows.sort((a, b) => order(a).localeCompare(order(b)));
  const position = (s, name) => sum(samples, name, l => l.topic === s.labels.topic && l.partition === s.labels.partition);
  let html = "<table><tr><th>topic</th><th>partition</th><th>lag</th><th>position</th><th>high watermark</th></tr>";
  for (const s of rows) html += `<tr><td>${esc(s.labels.topic ?? "")}</td><td>${esc(s.labels.partition ?? "")}</td><td><b>${fmt(s.value)}</b></td><td>${fmt(position(s, "sluice_kafka_partition_position"))}</td><td>${fmt(position(s, "sluice_kafka_partition_high_watermark"))}</td></tr>`;
  document.getElementById("lag").innerHTML = html + "</table>";
}

function renderMembers(flow, samples) {
  if (!flow.members.length) {
    document.getElementById("members").innerHTML = `<span class="muted">one process (no cluster)</span>`;
  } else {
    let html = "<table><tr><th>process</th><th>address</th><th>state</th><th>sent</th><th>received</th></tr>";
    for (const m of flow.members) {
      const sent = sum(samples, "sluice_cluster_bytes_sent_total", l => l.peer === String(m.process));
      const received = sum(samples, "sluice_cluster_bytes_received_total", l => l.peer === String(m.process));
      html += `<tr><td>${m.process}${m.isSelf ? " (this)" : ""}</td><td>${esc(m.address)}</td><td>${esc(m.state)}</td><td>${fmt(sent)}</td><td>${fmt(received)}</td></tr>`;
    }
    document.getElementById("members").innerHTML = html + "</table>";
  }
  let html = "<table><tr><th>worker</th><th>process</th><th>inbox</th><th>partitions</th></tr>";
  for (const w of flow.workers) {
    const parts = Object.entries(w.partitions).filter(([, keys]) => keys.length).map(([step, keys]) => `${esc(shortName(flow.flow, step))}: ${keys.map(esc).join(", ")}`).join("; ");
    const inbox = sum(samples, "sluice_worker_inbox_depth", l => l.worker === String(w.worker));
    html += `<tr><td>${w.worker}</td><td>${w.process}</td><td>${fmt(inbox)}</td><td>${parts || "<span class=muted>none</span>"}</td></tr>`;
  }
  document.getElementById("workers").innerHTML = flow.workers.length ? html + "</table>" : `<span class="muted">workers start after resuming</span>`;
}

async function refresh() {
  try {
    const [flowResponse, metricsResponse] = await Promise.all([
      fetch("/dataflow", { cache: "no-store" }), fetch("/metrics", { cache: "no-store" })]);
    const flow = await flowResponse.json();
    const samples = parseMetrics(await metricsResponse.text());
    const now = Date.now();
    document.getElementById("flow").textContent = flow.flow;
    const phase = document.getElementById("phase");
    phase.textContent = flow.phase;
    phase.className = "badge " + flow.phase;
    document.getElementById("ready").textContent = flow.ready ? "ready" : "not ready";
    document.getElementById("where").textContent = `process ${flow.process} of ${flow.processes} · ${flow.workerCount ?? "?"} workers`;
    document.getElementById("reason").textContent = flow.reason ? "failed: " + flow.reason : "";
    renderGraph(flow, samples, now);
    renderEpochs(flow, samples);
    renderLag(samples);
    renderMembers(flow, samples);
    document.getElementById("conn").textContent = "updated " + new Date(now).toLocaleTimeString();
  } catch (error) {
    document.getElementById("conn").textContent = "endpoint unreachable (" + error + ")";
  }
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes) + 1);
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
"""#
}
