// Sandbench's Node runner: the interpreter behind one JavaScript or TypeScript context.
//
// Started by the agent inside the sandbox, with the protocol of python_runner.py:
// requests on fd 3 and messages on fd 4, one JSON object per line; console output on
// fd 1 and 2, written synchronously so it is in its pipe before the message that follows.
// Each context is a vm context of its own. Top-level declarations are kept across cells
// (turned into the context's globals, so a cell can run again), top-level await works,
// and the last expression's value is the cell's result. SIGINT aborts the running cell.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const vm = require('node:vm');
const { Writable } = require('node:stream');
const { createRequire } = require('node:module');

const REQUESTS_FD = 3;
const MESSAGES_FD = 4;
let language = 'javascript'; // or 'typescript', from the setup request
const modules = path.join(__dirname, 'node_modules');
const acorn = require(path.join(modules, 'acorn'));
let sucrase = null; // loaded by the first TypeScript cell

function send(message) {
  fs.writeSync(MESSAGES_FD, JSON.stringify(message) + '\n');
}

function writeAll(fd, text) {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length;) offset += fs.writeSync(fd, bytes, offset);
}

const syncStream = (fd) => new Writable({
  write(chunk, encoding, done) {
    try {
      writeAll(fd, chunk);
      done();
    } catch (error) {
      done(error);
    }
  },
});

// The context's globals: Node's, but its own global object, console and require.
function makeContext() {
  const sandbox = {
    console: new console.Console({ stdout: syncStream(1), stderr: syncStream(2), colorMode: false }),
    process, Buffer, URL, URLSearchParams, TextEncoder, TextDecoder, AbortController, AbortSignal,
    setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate,
    queueMicrotask, structuredClone, fetch: globalThis.fetch, performance: globalThis.performance,
    module: { exports: {} },
  };
  sandbox.exports = sandbox.module.exports;
  sandbox.require = (name) => createRequire(path.join(process.cwd(), 'cell.js'))(name);
  sandbox.display = (value) => send(resultOf(value));
  const context = vm.createContext(sandbox, { name: `sandbench ${language} context` });
  vm.runInContext('globalThis.global = globalThis;', context);
  return context;
}

// The cell's top-level declarations become assignments to globals declared with `var`,
// so they outlive the cell and the cell can run again; with a top-level await the body
// runs in an async function whose last expression is returned. Text moves only within
// a line: stack traces keep the cell's line numbers.
function rewrite(code) {
  let program;
  try {
    program = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true,
      allowHashBang: true });
  } catch {
    return { code, async: false }; // V8 reports the syntax error with its own words
  }
  const awaits = hasTopLevelAwait(program);
  const globals = new Set();
  const hoisted = [];
  const edits = [];
  const names = (pattern) => {
    if (!pattern) return;
    switch (pattern.type) {
      case 'Identifier': globals.add(pattern.name); break;
      case 'ObjectPattern': pattern.properties.forEach((p) => names(p.type === 'RestElement' ? p.argument : p.value)); break;
      case 'ArrayPattern': pattern.elements.forEach(names); break;
      case 'RestElement': names(pattern.argument); break;
      case 'AssignmentPattern': names(pattern.left); break;
    }
  };
  program.body.forEach((statement, index) => {
    const last = index === program.body.length - 1;
    if (statement.type === 'VariableDeclaration') {
      statement.declarations.forEach((d) => names(d.id));
      const assignments = statement.declarations
        .filter((d) => d.init || statement.kind !== 'var')
        .map((d) => `(${code.slice(d.id.start, d.id.end)} = ${d.init ? code.slice(d.init.start, d.init.end) : 'undefined'})`);
      edits.push([statement.start, statement.end, assignments.length ? `void (${assignments.join(', ')});` : ';']);
    } else if (statement.type === 'ClassDeclaration') {
      globals.add(statement.id.name);
      edits.push([statement.start, statement.start, `void (${statement.id.name} = `], [statement.end, statement.end, ');']);
    } else if (statement.type === 'FunctionDeclaration' && awaits) {
      globals.add(statement.id.name);
      hoisted.push(`globalThis[${JSON.stringify(statement.id.name)}] = ${statement.id.name};`);
    } else if (statement.type === 'ExpressionStatement' && last && awaits) {
      edits.push([statement.start, statement.start, 'return ('], [statement.expression.end, statement.end, ');']);
    }
  });
  let text = code;
  for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]))
    text = text.slice(0, start) + replacement + text.slice(end);
  const declared = globals.size ? `var ${[...globals].join(', ')}; ` : '';
  if (!awaits) return { code: declared + text, async: false };
  return { code: `${declared}(async () => { ${hoisted.join(' ')}${text}\n})()`, async: true };
}

function hasTopLevelAwait(node) {
  if (!node || typeof node.type !== 'string') return false;
  if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await)) return true;
  if (/Function/.test(node.type) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return false;
  for (const key of Object.keys(node)) {
    const child = node[key];
    if (Array.isArray(child) ? child.some(hasTopLevelAwait) : child && typeof child === 'object' && hasTopLevelAwait(child))
      return true;
  }
  return false;
}

function transpile(code) {
  sucrase ??= require(path.join(modules, 'sucrase'));
  // 'imports' turns import/export into require: a cell is a script, not a module.
  return sucrase.transform(code, { transforms: ['typescript', 'imports'], disableESTransforms: true }).code;
}

function isPlainData(value) {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || Object.prototype.toString.call(value) === '[object Object]' &&
    (prototype.constructor === undefined || prototype.constructor.name === 'Object');
}

function resultOf(value) {
  const message = { type: 'result', metadata: {}, text: util.inspect(value, { depth: 6, colors: false }) };
  if (isPlainData(value)) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined && json.length <= 4 * 1024 * 1024) message.json = JSON.parse(json);
    } catch { /* cycles, BigInt: the text stays */ }
  }
  return message;
}

function errorOf(error, fallbackName) {
  const isError = error && typeof error === 'object' && typeof error.stack === 'string';
  const name = isError ? (error.name || fallbackName) : fallbackName;
  const message = isError ? String(error.message ?? '') : util.inspect(error);
  const stack = isError ? error.stack : `Uncaught ${message}`;
  // Frames inside this runner say nothing about the cell.
  const traceback = stack.split('\n').filter((line) => !line.includes(__filename) && !line.includes('node:'));
  return { type: 'error', ename: name, evalue: message, traceback };
}

let context = null;
let executionCount = 0;
let interrupt = null; // rejects the running cell's wait on SIGINT

process.on('SIGINT', () => interrupt?.(new Error('Execution interrupted')));
process.on('uncaughtException', (error) => writeAll(2, `Uncaught ${util.inspect(error)}\n`));
process.on('unhandledRejection', (error) => writeAll(2, `Unhandled rejection: ${util.inspect(error)}\n`));

async function runCell(code) {
  send({ type: 'started' }); // from now on SIGINT stops this cell
  const count = ++executionCount;
  const filename = `cell-${count}.${language === 'typescript' ? 'ts' : 'js'}`;
  let source = code;
  if (language === 'typescript') {
    try {
      source = transpile(code);
    } catch (error) {
      return { type: 'error', ename: 'TranspileError', evalue: error.message,
        traceback: [`TranspileError: ${error.message}`], execution_count: count };
    }
  }
  const cell = rewrite(source);
  try {
    const interrupted = new Promise((resolve, reject) => { interrupt = reject; });
    interrupted.catch(() => {});
    let value = new vm.Script(cell.code, { filename }).runInContext(context, { breakOnSigint: true, displayErrors: false });
    if (value && typeof value.then === 'function') value = await Promise.race([value, interrupted]);
    if (value !== undefined) send(resultOf(value));
    return { type: 'done', execution_count: count };
  } catch (error) {
    const interruptedNow = error && /Script execution (was )?interrupted|Execution interrupted/.test(error.message);
    const report = errorOf(error, 'Error');
    if (interruptedNow) Object.assign(report, { ename: 'KeyboardInterrupt', evalue: 'Execution interrupted' });
    return { ...report, execution_count: count };
  } finally {
    interrupt = null;
  }
}

function handle(request) {
  if (request.type === 'setup') {
    try {
      if (request.language === 'typescript') language = 'typescript';
      if (request.cwd) process.chdir(request.cwd);
      Object.assign(process.env, request.env ?? {});
      send({ type: 'setup_done' });
    } catch (error) {
      send({ type: 'setup_done', error: String(error?.message ?? error) });
    }
    return Promise.resolve();
  }
  if (request.type === 'execute') return runCell(String(request.code ?? '')).then(send);
  return Promise.resolve();
}

function main() {
  context = makeContext();
  let pending = '';
  let queue = Promise.resolve();
  // A pipe read as a stream (not by the fs thread pool, whose blocked read would keep
  // process.exit() in a cell from ever finishing).
  const requests = new net.Socket({ fd: REQUESTS_FD, readable: true, writable: false });
  requests.setEncoding('utf8');
  requests.on('data', (chunk) => {
    pending += chunk;
    for (let newline; (newline = pending.indexOf('\n')) >= 0;) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const request = JSON.parse(line);
      queue = queue.then(() => handle(request));
    }
  });
  requests.on('end', () => process.exit(0));
  send({ type: 'ready', pid: process.pid });
}

main();
