"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.now = now;
exports.median = median;
exports.timeEach = timeEach;
/** Small timing helpers: medians of many runs, in milliseconds. */
function now() {
    return Number(process.hrtime.bigint()) / 1e6;
}
function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function timeEach(iterations, fn) {
    const samples = [];
    for (let i = 0; i < iterations; i++) {
        const start = now();
        fn();
        samples.push(now() - start);
    }
    return samples;
}
