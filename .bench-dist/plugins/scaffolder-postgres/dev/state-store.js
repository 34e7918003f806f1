"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.git = void 0;
exports.ensureBareStateStore = ensureBareStateStore;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
/** Runs git in a directory and returns its trimmed output. */
const git = (cwd, ...args) => (0, node_child_process_1.execFileSync)('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
exports.git = git;
/**
 * A bare state-store repository with a first commit on `main`, configured to serve partial
 * clones (uploadpack.allowFilter) and accept push options. Leaves an existing one alone.
 */
function ensureBareStateStore(bare, seed = { 'README.md': '# GitOps state store\n' }) {
    if ((0, node_fs_1.existsSync)((0, node_path_1.join)(bare, 'HEAD')))
        return;
    (0, node_fs_1.mkdirSync)(bare, { recursive: true });
    (0, exports.git)(bare, 'init', '--bare', '--initial-branch=main');
    (0, exports.git)(bare, 'config', 'uploadpack.allowFilter', 'true');
    (0, exports.git)(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    (0, exports.git)(bare, 'config', 'receive.advertisePushOptions', 'true');
    const work = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'state-store-seed-'));
    try {
        (0, exports.git)(work, 'init', '--initial-branch=main');
        for (const [path, content] of Object.entries(seed)) {
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, path, '..'), { recursive: true });
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, path), content);
        }
        (0, exports.git)(work, 'add', '-A');
        (0, exports.git)(work, '-c', 'user.name=postgres-gitops', '-c', 'user.email=postgres-gitops@example.test', 'commit', '-m', 'Initial state store');
        (0, exports.git)(work, 'push', bare, 'main');
    }
    finally {
        (0, node_fs_1.rmSync)(work, { recursive: true, force: true });
    }
}
