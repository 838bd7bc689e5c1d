// Interop harness: digitalbazaar's reference implementation, driven by tests/test_interop_node.py.
//
// Reads one JSON job on stdin and prints one JSON result on stdout:
//
//   {"op": "verify", "credential": {...}, "suite": "eddsa-rdfc-2022" | "Ed25519Signature2020",
//    "documents": {url: doc}, "https": {...}, "now": "2026-11-22T12:00:00Z"}
//     -> {"ok": true, "verified": bool, "errors": ["message", ...]}
//   {"op": "issue", "credential": {...}, "suite": ..., "created": "2026-01-01T00:00:00Z",
//    "key": {"seed": "<64 hex>", "id": "<verification method id>", "controller": "<url>"}}
//     -> {"ok": true, "credential": {...signed...}}
//   {"op": "canonize", "document": {...}}
//     -> {"ok": true, "nquads": "<RDFC-1.0 canonical N-Quads>"}
//   {"op": "connect", "https": {...}, "targets": [{"host": h, "port": p, "via": v}, ...]}
//     -> {"ok": true, "results": [{"connected": bool, "error": "message" | null}, ...]}
//     (a probe of the network guard; via is "tls" (default), "net", "https" or "fetch")
//
// where "https" (optional) is {"host": "issuer.example", "port": <port>, "ca": "<PEM>"}: the test
// suite's local HTTPS server (tests/httpserver.py) listening on 127.0.0.1:<port>, serving that
// host (chosen by SNI and the Host header) with a certificate issued by the CA in "ca".
// Every result also lists "connections": the socket connections the guard let through.
// A job that throws prints {"ok": false, "error": "..."} and exits 1.
//
// The document loader answers only with
//   - the contexts microcred bundles (src/microcred/_resources/contexts/index.json, sha256-pinned;
//     MICROCRED_CONTEXTS_DIR overrides the folder, since the test copies this script next to a
//     temporary node_modules),
//   - did:key documents, resolved by @digitalbazaar/did-method-key (no I/O),
//   - the documents of the job ("as if fetched"), and methods found by id inside them,
//   - https://<https.host>/... URLs, fetched for real (node:https, once per URL and job) from
//     127.0.0.1:<https.port> with SNI and Host set to https.host, the certificate verified
//     against https.ca only (rejectUnauthorized), a 5 s idle timeout, a 1 MiB cap, HTTP 200 and
//     a JSON body required; methods are found by id inside the fetched document,
// and throws for anything else. Nothing else reaches the network: fetch() is disabled, and
// net.Socket.prototype.connect (which net.connect, tls.connect and so node:https go through)
// refuses every destination but 127.0.0.1:<https.port> (all of them when the job has no https).

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import {join} from 'node:path';
import tls from 'node:tls';
import {fileURLToPath} from 'node:url';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';

// -- no network, but for the job's local HTTPS server ----------------------------------------

const forbidden = what => () => {
  throw new Error(`interop harness: network access is forbidden (${what})`);
};
globalThis.fetch = forbidden('fetch');

// The one destination sockets may connect to (set from the job's "https"), and what connected.
let allowedDestination = null;
const connections = [];

// Where a Socket.prototype.connect call goes: its arguments are (options[, cb]),
// (port[, host][, cb]), (path[, cb]), or net's own normalized [options, cb] array.
function destinationOf(args) {
  const [first, second] = Array.isArray(args[0]) ? args[0] : args;
  if(first !== null && typeof first === 'object') {
    // As in net: a truthy path is a pipe or Unix socket (node:https passes path: null).
    return {host: first.host ?? 'localhost', port: first.port, path: first.path || undefined};
  }
  if(typeof first === 'string' && !/^[0-9]+$/.test(first)) {
    return {path: first};
  }
  return {host: typeof second === 'string' ? second : 'localhost', port: first};
}

const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const {host, port, path} = destinationOf(args);
  const allowed = allowedDestination !== null && path === undefined &&
    host === allowedDestination.host && Number(port) === allowedDestination.port;
  if(!allowed) {
    forbidden(`socket connect to ${path ?? `${host}:${port}`}`)();
  }
  connections.push(`${host}:${port}`);
  return realConnect.apply(this, args);
};

const HTTPS_TIMEOUT_MS = 5000;
const HTTPS_MAX_BYTES = 1024 * 1024;
const USER_AGENT = 'microcred-interop-harness';

function httpsSettings(value) {
  if(value === undefined || value === null) {
    return null;
  }
  const {host, port, ca} = value;
  if(typeof host !== 'string' || !Number.isInteger(port) || typeof ca !== 'string') {
    throw new Error('job.https must be {"host": string, "port": integer, "ca": PEM string}');
  }
  return {host: host.toLowerCase(), port, ca};
}

// GET url (https://<settings.host>/...) from the local server; resolves to the parsed JSON body.
function httpsGetJson(url, settings) {
  const {pathname, search} = new URL(url);
  return new Promise((resolve, reject) => {
    const fail = error => reject(new Error(
      `interop loader: GET ${url} from 127.0.0.1:${settings.port} failed: ${error.message}`));
    let request;
    try {
      request = https.request({
        host: '127.0.0.1',
        port: settings.port,
        path: pathname + search,
        method: 'GET',
        servername: settings.host,
        ca: [settings.ca],
        rejectUnauthorized: true,
        agent: false,
        timeout: HTTPS_TIMEOUT_MS,
        headers: {
          Host: settings.host,
          Accept: 'application/did+ld+json, application/ld+json, application/json',
          'User-Agent': USER_AGENT,
          Connection: 'close'
        }
      }, response => {
        if(response.statusCode !== 200) {
          response.resume();
          fail(new Error(`HTTP ${response.statusCode}`));
          return;
        }
        const chunks = [];
        let size = 0;
        response.on('data', chunk => {
          size += chunk.length;
          if(size > HTTPS_MAX_BYTES) {
            request.destroy(new Error(`body larger than ${HTTPS_MAX_BYTES} bytes`));
          } else {
            chunks.push(chunk);
          }
        });
        response.on('end', () => {
          try {
            const document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if(document === null || typeof document !== 'object' || Array.isArray(document)) {
              throw new Error('the body is not a JSON object');
            }
            resolve(document);
          } catch(error) {
            fail(error);
          }
        });
        response.on('error', fail);
      });
    } catch(error) {
      fail(error);
      return;
    }
    request.on('timeout', () => request.destroy(
      new Error(`no answer within ${HTTPS_TIMEOUT_MS} ms`)));
    request.on('error', fail);
    request.end();
  });
}

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

function makeLoader(documents = {}, settings = null) {
  const fetched = new Map(); // url -> Promise of its document: one GET per URL and job
  const served = url => {
    if(settings === null) {
      return false;
    }
    const {protocol, hostname, port, username, password} = new URL(url);
    return protocol === 'https:' && hostname === settings.host && port === '' &&
      username === '' && password === '';
  };
  const supplied = async url => {
    if(Object.hasOwn(documents, url)) {
      return documents[url];
    }
    if(served(url)) {
      if(!fetched.has(url)) {
        fetched.set(url, httpsGetJson(url, settings));
      }
      return fetched.get(url);
    }
    return undefined;
  };
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
    const document = await supplied(base);
    if(document !== undefined) {
      if(base === url) {
        return answer(structuredClone(document));
      }
      const method = embeddedMethod(base, document, url);
      if(method) {
        return answer(structuredClone(method));
      }
      throw new Error(`interop loader: ${base} has no method with id ${url}`);
    }
    throw new Error(
      `interop loader: refusing to load ${url} (not a bundled context, not did:key, ` +
      'not in the job\'s documents, not on the job\'s HTTPS host)');
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

// The network guard's probe: try each target the way the loader would (or via net / https /
// fetch) and report whether it connected (for TLS: a verified handshake) or why not.
function probe(target, settings) {
  const {host, port, via = 'tls'} = target;
  return new Promise(resolve => {
    const done = error => {
      socket?.destroy();
      resolve({connected: !error, error: error ? error.message : null});
    };
    let socket;
    try {
      if(via === 'fetch') {
        globalThis.fetch(`https://${host}:${port}/`).then(() => done(null), done);
        return;
      } else if(via === 'https') {
        const request = https.get({host, port, path: '/', agent: false, timeout: HTTPS_TIMEOUT_MS});
        request.on('response', response => {
          response.resume();
          done(null);
        });
        request.on('timeout', () => done(new Error('timed out')));
        request.on('error', done);
        socket = request;
        return;
      } else if(via === 'net') {
        socket = net.connect({host, port});
        socket.on('connect', () => done(null));
      } else if(via === 'tls') {
        socket = tls.connect({
          host, port, servername: settings?.host, ca: settings ? [settings.ca] : undefined,
          rejectUnauthorized: true
        });
        socket.on('secureConnect', () => done(null));
      } else {
        throw new Error(`unknown via ${JSON.stringify(via)}`);
      }
      socket.setTimeout(HTTPS_TIMEOUT_MS, () => done(new Error('timed out')));
      socket.on('error', done);
    } catch(error) {
      done(error);
    }
  });
}

async function run(job) {
  const settings = httpsSettings(job.https);
  allowedDestination = settings && {host: '127.0.0.1', port: settings.port};
  if(job.op === 'connect') {
    const results = [];
    for(const target of job.targets) {
      results.push(await probe(target, settings));
    }
    return {ok: true, results};
  }
  if(job.op === 'verify') {
    const result = await vc.verifyCredential({
      credential: job.credential,
      suite: verifySuite(job.suite),
      documentLoader: makeLoader(job.documents, settings),
      now: job.now ? new Date(job.now) : undefined
    });
    return {ok: true, verified: result.verified === true, errors: messages(result)};
  }
  if(job.op === 'issue') {
    const date = job.created ? new Date(job.created) : undefined;
    const credential = await vc.issue({
      credential: structuredClone(job.credential),
      suite: await signingSuite(job.suite, job.key, date),
      documentLoader: makeLoader(job.documents, settings),
      now: date
    });
    return {ok: true, credential};
  }
  if(job.op === 'canonize') {
    const nquads = await jsonld.canonize(job.document, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      documentLoader: makeLoader(job.documents, settings),
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
  output.connections = connections;
  process.stdout.write(JSON.stringify(output) + '\n');
}

await main();
