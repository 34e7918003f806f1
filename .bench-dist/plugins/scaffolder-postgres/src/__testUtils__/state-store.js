"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createStateStore = createStateStore;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const state_store_1 = require("../../dev/state-store");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
/**
 * A bare state-store repository with a first commit on `main`, serving partial clones
 * (uploadpack.allowFilter) and push options, as the demo and the tests use it.
 */
function createStateStore(seed = { 'README.md': '# state store\n' }) {
    const root = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pgg-state-'));
    const bare = (0, node_path_1.join)(root, 'state-store.git');
    (0, state_store_1.ensureBareStateStore)(bare, seed);
    return {
        root,
        bare,
        url: `file://${bare}`,
        show: (ref, path) => {
            try {
                return (0, node_child_process_1.execFileSync)('git', ['show', `${ref}:${path}`], { cwd: bare, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
            }
            catch {
                return undefined;
            }
        },
        branches: () => (0, state_store_1.git)(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort(),
        log: ref => (0, state_store_1.git)(bare, 'log', '--format=%s', ref).split('\n'),
        files: (ref, directory) => (0, state_store_1.git)(bare, 'ls-tree', '-r', '--name-only', ref, '--', directory).split('\n').filter(Boolean),
        cleanup: () => (0, node_fs_1.rmSync)(root, { recursive: true, force: true }),
    };
}
