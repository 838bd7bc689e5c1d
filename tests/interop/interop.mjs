// Interop harness: digitalbazaar's reference implementation, driven by tests/test_interop_node.py.
//
// Reads one JSON job on stdin and prints one JSON result on stdout:
//
//   {"op": "verify", "credential": {...}, "suite": "eddsa-rdfc-2022" | "Ed25519Signature2020",
//    "documents": {url: doc}, "now": "2026-11-22T12:00:00Z"}
//     -> {"ok": true, "verified": bool, "errors": ["message", ...]}
//   {"op": "issue", "credential": {...}, "suite": ..., "created": "2026-01-01T00:00:00Z",
//    "key": {"seed": "<64 hex>", "id": "<verification method id>", "controller": "<url>"}}
//     -> {"ok": true, "credential": {...signed...}}
//   {"op": "canonize", "document": {...}}
//     -> {"ok": true, "nquads": "<RDFC-1.0 canonical N-Quads>"}
//
// A job that throws prints {"ok": false, "error": "..."} and exits 1.
//
// Nothing here reaches the network. The document loader answers only with
//   - the contexts microcred bundles (src/microcred/_resources/contexts/index.json, sha256-pinned;
//     MICROCRED_CONTEXTS_DIR overrides the folder, since the test copies this script next to a
//     temporary node_modules),
//   - did:key documents, resolved by @digitalbazaar/did-method-key (no I/O),
//   - the documents of the job ("as if fetched"), and methods found by id inside them,
// and throws for anything else. fetch() and socket connections are disabled as well.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import net from 'node:net';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';

// -- no network ---------------------------------------------------------------------------

const forbidden = what => () => {
  throw new Error(`interop harness: network access is forbidden (${what})`);
};
globalThis.fetch = forbidden('fetch');
net.Socket.prototype.connect = forbidden('socket connect');

// -- the document loader ------------------------------------------------------------------

const CONTEXTS_DIR = process.env.MICROCRED_CONTEXTS_DIR ?? fileURLToPath(
  new URL('../../src/microcred/_resources/contexts/', import.meta.url));

function bundledContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, file] of Object.entries(index.urls)) {
    const bytes = readFileSync(join(CONTEXTS_DIR, file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(digest !== index.sha256[file]) {
      throw new Error(`bundled context ${file} does not match its sha256 pin`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

const CONTEXTS = bundledContexts();

const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

const asList = value => value === undefined ? [] : (Array.isArray(value) ? value : [value]);

// A method embedded in a supplied document, found by its (absolute or relative) id.
function embeddedMethod(base, document, url) {
  const relationships = ['verificationMethod', 'assertionMethod', 'authentication',
    'capabilityInvocation', 'capabilityDelegation'];
  for(const name of relationships) {
    for(const entry of asList(document[name])) {
      if(entry && typeof entry === 'object' &&
        new URL(entry.id, base).href === url) {
        return {'@context': document['@context'], ...entry, id: url};
      }
    }
  }
  return undefined;
}

function makeLoader(documents = {}) {
  return async function documentLoader(url) {
    const answer = document => ({contextUrl: null, documentUrl: url, document});
    if(CONTEXTS.has(url)) {
      return answer(structuredClone(CONTEXTS.get(url)));
    }
    if(url.startsWith('did:key:')) {
      return answer(await didKeyDriver.get({url}));
    }
    if(Object.hasOwn(documents, url)) {
      return answer(structuredClone(documents[url]));
    }
    const base = url.split('#')[0];
    if(base !== url && Object.hasOwn(documents, base)) {
      const method = embeddedMethod(base, documents[base], url);
      if(method) {
        return answer(structuredClone(method));
      }
    }
    throw new Error(
      `interop loader: refusing to load ${url} (not a bundled context, not did:key, ` +
      'not in the job\'s documents)');
  };
}

// -- jobs -----------------------------------------------------------------------------------

function verifySuite(name) {
  if(name === 'eddsa-rdfc-2022') {
    return new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  }
  if(name === 'Ed25519Signature2020') {
    return new Ed25519Signature2020();
  }
  throw new Error(`unknown suite ${name}`);
}

async function signingSuite(name, {seed, id, controller}, date) {
  const bytes = Uint8Array.from(Buffer.from(seed, 'hex'));
  if(bytes.length !== 32) {
    throw new Error('key.seed must be 32 bytes of hex');
  }
  if(name === 'eddsa-rdfc-2022') {
    const key = await Ed25519Multikey.generate({seed: bytes, id, controller});
    return new DataIntegrityProof(
      {signer: key.signer(), cryptosuite: eddsaRdfc2022CryptoSuite, date});
  }
  if(name === 'Ed25519Signature2020') {
    const key = await Ed25519VerificationKey2020.generate({seed: bytes, id, controller});
    return new Ed25519Signature2020({key, date});
  }
  throw new Error(`unknown suite ${name}`);
}

// Every message in a verification result, outermost first (errors nest in jsonld-signatures).
function messages(result) {
  const found = [];
  const visit = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(visit);
      return;
    }
    const text = error.message ?? String(error);
    if(!found.includes(text)) {
      found.push(text);
    }
    visit(error.errors);
    visit(error.cause);
    visit(error.details?.cause);
  };
  visit(result.error);
  for(const entry of asList(result.results)) {
    visit(entry.error);
    visit(entry.purposeResult?.error);
  }
  return found;
}

async function run(job) {
  if(job.op === 'verify') {
    const result = await vc.verifyCredential({
      credential: job.credential,
      suite: verifySuite(job.suite),
      documentLoader: makeLoader(job.documents),
      now: job.now ? new Date(job.now) : undefined
    });
    return {ok: true, verified: result.verified === true, errors: messages(result)};
  }
  if(job.op === 'issue') {
    const date = job.created ? new Date(job.created) : undefined;
    const credential = await vc.issue({
      credential: structuredClone(job.credential),
      suite: await signingSuite(job.suite, job.key, date),
      documentLoader: makeLoader(job.documents),
      now: date
    });
    return {ok: true, credential};
  }
  if(job.op === 'canonize') {
    const nquads = await jsonld.canonize(job.document, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      documentLoader: makeLoader(job.documents),
      safe: true
    });
    return {ok: true, nquads};
  }
  throw new Error(`unknown op ${JSON.stringify(job.op)}`);
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  let output;
  try {
    output = await run(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch(error) {
    output = {ok: false, error: error?.stack ?? String(error)};
    process.exitCode = 1;
  }
  process.stdout.write(JSON.stringify(output) + '\n');
}

await main();
