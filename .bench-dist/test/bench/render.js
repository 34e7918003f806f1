"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderBenchmarks = renderBenchmarks;
exports.round = round;
const node_path_1 = require("node:path");
const node_worker_threads_1 = require("node:worker_threads");
const yaml_1 = require("yaml");
const renderer_1 = require("@postgres-gitops/renderer");
const fleet_1 = require("./fleet");
const measure_1 = require("./measure");
const ITERATIONS = 1500;
/** Parse + plan + render + serialize one database, against `yaml` serialization alone of the same objects. */
function singleDatabase(label, request) {
    const objects = Object.values((0, renderer_1.renderDatabase)(request).files).map(content => (0, yaml_1.parse)(content));
    const pipeline = () => (0, renderer_1.renderDatabase)(request);
    const floor = () => objects.map(renderer_1.toYaml);
    (0, measure_1.timeEach)(300, pipeline);
    (0, measure_1.timeEach)(300, floor);
    // Interleave to share whatever the machine is doing between both sides.
    const p = [];
    const f = [];
    for (let i = 0; i < ITERATIONS; i++) {
        p.push(...(0, measure_1.timeEach)(1, pipeline));
        f.push(...(0, measure_1.timeEach)(1, floor));
    }
    const pm = (0, measure_1.median)(p);
    const fm = (0, measure_1.median)(f);
    return [
        { benchmark: 'render', case: label, subject: 'postgres-gitops pipeline', metric: 'median', value: round(pm, 3), unit: 'ms' },
        { benchmark: 'render', case: label, subject: 'yaml serialization alone (floor)', metric: 'median', value: round(fm, 3), unit: 'ms' },
        { benchmark: 'render', case: label, subject: 'postgres-gitops pipeline', metric: 'ratio to floor', value: round(pm / fm, 2), unit: 'x' },
        { benchmark: 'render', case: label, subject: 'postgres-gitops pipeline', metric: 'files', value: objects.length, unit: 'files' },
    ];
}
function runWorker(count, offset) {
    return new Promise((resolve, reject) => {
        const worker = new node_worker_threads_1.Worker((0, node_path_1.join)(__dirname, 'fleet-worker.js'), { workerData: { count, offset } });
        worker.once('message', m => resolve(m.bytes));
        worker.once('error', reject);
    });
}
/** A fleet re-render of N databases: one thread, then split over the machine's two cores. */
async function fleet(count) {
    let start = (0, measure_1.now)();
    await runWorker(count, 0);
    const one = (0, measure_1.now)() - start;
    start = (0, measure_1.now)();
    await Promise.all([runWorker(count / 2, 0), runWorker(count / 2, count / 2)]);
    const two = (0, measure_1.now)() - start;
    return [
        { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 1 thread', metric: 'wall time', value: round(one / 1000, 2), unit: 's' },
        { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 2 threads', metric: 'wall time', value: round(two / 1000, 2), unit: 's' },
        { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 2 threads', metric: 'throughput', value: Math.round(count / (two / 1000)), unit: 'databases/s' },
        { benchmark: 'fleet', case: `${count} databases`, subject: 'postgres-gitops, 2 threads', metric: 'speedup over 1 thread', value: round(one / two, 2), unit: 'x' },
    ];
}
async function renderBenchmarks() {
    return [...singleDatabase('small, basic (seed example)', fleet_1.BASIC_REQUEST), ...singleDatabase('large, prod, all features', fleet_1.PROD_REQUEST), ...(await fleet(10_000))];
}
function round(value, digits) {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}
