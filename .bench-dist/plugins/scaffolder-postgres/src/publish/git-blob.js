"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.gitBlobSha = gitBlobSha;
const node_crypto_1 = require("node:crypto");
/** The object id git gives a file's content, to compare with a tree without fetching blobs. */
function gitBlobSha(content) {
    const body = Buffer.from(content, 'utf8');
    return (0, node_crypto_1.createHash)('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}
