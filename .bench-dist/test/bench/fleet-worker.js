"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_worker_threads_1 = require("node:worker_threads");
const renderer_1 = require("@postgres-gitops/renderer");
const fleet_1 = require("./fleet");
/** Renders a slice of the fleet and reports how many bytes it produced. */
const { count, offset } = node_worker_threads_1.workerData;
let bytes = 0;
for (const request of (0, fleet_1.fleetRequests)(count, offset)) {
    for (const content of Object.values((0, renderer_1.renderDatabase)(request).files))
        bytes += content.length;
}
node_worker_threads_1.parentPort.postMessage({ bytes });
