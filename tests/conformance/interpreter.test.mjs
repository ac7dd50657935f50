// The published @cloudflare/sandbox code interpreter (CodeInterpreter over the SDK's
// InterpreterClient) against a real engine: behaviours.md [Interpreter], and what
// Sandbench does beyond the reference (streaming while the cell runs, charts, cwd and env,
// interrupt, timeout, a dying runner, output floods).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { CodeInterpreter } from '@cloudflare/sandbox';

import { startEngine } from './support/engine.mjs';

let engine;
let sandbox;
let interpreter;
let python;
let javascript;

before(async () => {
  engine = await startEngine();
  sandbox = engine.client('interpreter');
  interpreter = new CodeInterpreter(() => sandbox.interpreter);
  python = await interpreter.createCodeContext({ language: 'python' });
  javascript = await interpreter.createCodeContext({ language: 'javascript' });
});

after(async () => {
  await engine?.stop();
});

// The engine's own routes for a context (interrupt, restart: Sandbench's additions).
async function contextRoute(id, action, init = {}) {
  const response = await fetch(`${engine.url}/v1/sandboxes/interpreter/api/contexts/${id}${action ? `/${action}` : ''}`,
    { method: 'POST', ...init });
  return { status: response.status, body: await response.json() };
}

// Every SSE event of one cell, from the raw stream.
async function cellEvents(context, code, extra = {}) {
  const response = await fetch(`${engine.url}/v1/sandboxes/interpreter/api/execute/code`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ context_id: context.id, code, ...extra }),
  });
  const text = await response.text();
  return text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)));
}

describe('python', () => {
  test('print, state across cells, code echoed', async () => {
    const hello = await interpreter.runCode('print("Hello from Python!")', { context: python });
    assert.match(hello.logs.stdout.join(''), /Hello from Python!/);
    assert.equal(hello.error, undefined);
    assert.equal(hello.code, 'print("Hello from Python!")');
    await interpreter.runCode('x = 42\ny = 10', { context: python });
    const sum = await interpreter.runCode('result = x + y\nprint(result)', { context: python });
    assert.equal(sum.logs.stdout.join('').trim(), '52');
  });

  test('output streams while the cell runs', async () => {
    const started = Date.now();
    const arrivals = [];
    await interpreter.runCode('import time\nfor i in range(4):\n    print(f"Step {i}", flush=True)\n    time.sleep(0.4)',
      { context: python, onStdout: (output) => { arrivals.push([Date.now() - started, output.text]); } });
    const text = arrivals.map(([, chunk]) => chunk).join('');
    for (const step of [0, 1, 2, 3]) assert.match(text, new RegExp(`Step ${step}`));
    assert.ok(arrivals.length >= 3, `one event per print, got ${JSON.stringify(arrivals)}`);
    assert.ok(arrivals[0][0] < arrivals.at(-1)[0] - 800, `the first line came early: ${JSON.stringify(arrivals)}`);
  });

  test('the last value, display() and the rich formats of any object', async () => {
    const value = await interpreter.runCode('{"a": [1, 2], "b": None}', { context: python });
    assert.deepEqual(value.results[0].json, { a: [1, 2], b: null });
    const frame = await interpreter.runCode('import pandas as pd\npd.DataFrame({"name": ["x", "y"], "n": [1, 2]})',
      { context: python });
    assert.match(frame.results[0].html, /<table[\s\S]*<td>x<\/td>/);
    assert.match(frame.results[0].text, /name/);
    const shown = await interpreter.runCode([
      'from IPython.display import display, HTML, Markdown, Latex, SVG, JSON',
      'class Rich:',
      '    def _repr_html_(self): return "<b>rich</b>"',
      '    def _repr_markdown_(self): return "**rich**"',
      '    def _repr_latex_(self): return r"$\\alpha$"',
      '    def _repr_json_(self): return {"rich": True}',
      '    def _repr_svg_(self): return \'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>\'',
      'display(HTML("<i>one</i>"))',
      'print("between")',
      'display(Markdown("# two"))',
      'Rich()',
    ].join('\n'), { context: python });
    assert.equal(shown.results[0].html, '<i>one</i>');
    assert.equal(shown.results[1].markdown, '# two');
    const rich = shown.results[2];
    assert.equal(rich.html, '<b>rich</b>');
    assert.equal(rich.markdown, '**rich**');
    assert.equal(rich.latex, '$\\alpha$');
    assert.deepEqual(rich.json, { rich: true });
    assert.match(rich.svg, /<circle/);
    assert.deepEqual(shown.logs.stdout, ['between\n']);
    const image = await interpreter.runCode(
      'from IPython.display import Image\nimport base64\n' +
      'Image(data=base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))',
      { context: python });
    assert.match(image.results[0].png, /^iVBORw0KGgo/);
  });

  test('errors carry the exception class, message and traceback', async () => {
    const failed = await interpreter.runCode('def f():\n    return 1 / 0\nf()', { context: python });
    assert.equal(failed.error.name, 'ZeroDivisionError');
    assert.equal(failed.error.message, 'division by zero');
    assert.ok(failed.error.traceback.some((line) => line.includes('1 / 0')));
    const events = await cellEvents(python, 'undefined_name');
    assert.equal(events.at(-1).type, 'error');
    assert.equal(events.at(-1).ename, 'NameError');
    const counted = await cellEvents(python, '1 + 1');
    assert.equal(counted.at(-1).type, 'execution_complete');
    assert.ok(counted.at(-1).execution_count > 1);
  });

  test('contexts are isolated and honour their cwd and envVars', async () => {
    const other = await interpreter.createCodeContext({ language: 'python', cwd: '/tmp', envVars: { GREETING: 'hi' } });
    await interpreter.runCode('secret = 1', { context: python });
    const missing = await interpreter.runCode('secret', { context: other });
    assert.equal(missing.error.name, 'NameError');
    const place = await interpreter.runCode('import os\nprint(os.getcwd(), os.environ["GREETING"])', { context: other });
    assert.equal(place.logs.stdout.join('').trim(), '/tmp hi');
    await interpreter.deleteCodeContext(other.id);
  });

  test('five concurrent counter += 1 give 5, in arrival order', async () => {
    await interpreter.runCode('counter = 0', { context: python });
    const runs = await Promise.all([1, 2, 3, 4, 5].map(() =>
      interpreter.runCode('counter += 1\nprint(counter)', { context: python })));
    const seen = runs.map((run) => Number(run.logs.stdout.join('').trim())).sort();
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal((await interpreter.runCode('counter', { context: python })).results[0].text, '5');
  });
});

describe('charts', () => {
  const chartOf = async (code) => {
    const run = await interpreter.runCode(`import matplotlib.pyplot as plt\n${code}`, { context: python });
    assert.equal(run.error, undefined, JSON.stringify(run.error));
    const charts = run.results.filter((result) => result.chart);
    assert.equal(charts.length, 1, 'one figure, one chart');
    assert.match(charts[0].png, /^iVBORw0KGgo/);
    return charts[0].chart;
  };

  test('line', async () => {
    const chart = await chartOf('plt.plot([1, 2, 3], [4, 5, 7], label="up")\nplt.title("Growth")\n' +
      'plt.xlabel("day")\nplt.ylabel("count")\nplt.legend()\nplt.show()');
    assert.equal(chart.type, 'line');
    assert.equal(chart.library, 'matplotlib');
    assert.equal(chart.title, 'Growth');
    assert.equal(chart.x_label, 'day');
    assert.equal(chart.y_label, 'count');
    assert.deepEqual(chart.data, [{ label: 'up', points: [[1, 4], [2, 5], [3, 7]] }]);
  });

  test('bar, scatter, pie', async () => {
    const bar = await chartOf('plt.bar(["a", "b", "c"], [3, 1, 2])');
    assert.equal(bar.type, 'bar');
    assert.deepEqual(bar.data.map((entry) => [entry.label, entry.value]), [['a', 3], ['b', 1], ['c', 2]]);
    const scatter = await chartOf('plt.scatter([1, 2], [3, 4], label="pts")\nplt.xscale("log")');
    assert.equal(scatter.type, 'scatter');
    assert.equal(scatter.x_scale, 'log');
    assert.deepEqual(scatter.data, [{ label: 'pts', points: [[1, 3], [2, 4]] }]);
    const pie = await chartOf('plt.pie([1, 3], labels=["one", "three"])');
    assert.equal(pie.type, 'pie');
    assert.deepEqual(pie.data.map((slice) => [slice.label, slice.value]), [['one', 0.25], ['three', 0.75]]);
  });

  test('histogram, heatmap, box and whisker', async () => {
    const histogram = await chartOf('plt.hist([1, 2, 2, 3, 3, 3], bins=[1, 2, 3, 4])');
    assert.equal(histogram.type, 'histogram');
    assert.deepEqual(histogram.data[0].edges, [1, 2, 3, 4]);
    assert.deepEqual(histogram.data[0].counts, [1, 2, 3]);
    const heatmap = await chartOf('import numpy as np\nplt.imshow(np.arange(6).reshape(2, 3))\nplt.colorbar()');
    assert.equal(heatmap.type, 'heatmap');
    assert.deepEqual(heatmap.data.values, [[0, 1, 2], [3, 4, 5]]);
    const box = await chartOf('plt.boxplot([[1, 2, 3, 4, 5, 50], [2, 3, 4]], labels=["p", "q"])');
    assert.equal(box.type, 'box_and_whisker');
    assert.equal(box.data[0].label, 'p');
    assert.equal(box.data[0].median, 3.5);
    assert.deepEqual(box.data[0].outliers, [50]);
    assert.equal(box.data[1].min, 2);
    assert.equal(box.data[1].max, 4);
  });

  test('subplots are one superchart; figures are closed after each cell', async () => {
    const chart = await chartOf('fig, (left, right) = plt.subplots(1, 2)\nleft.plot([1, 2])\n' +
      'right.bar(["x"], [1])\nfig.suptitle("Both")');
    assert.equal(chart.type, 'superchart');
    assert.equal(chart.title, 'Both');
    assert.deepEqual(chart.elements.map((element) => element.type), ['line', 'bar']);
    const open = await interpreter.runCode('len(plt.get_fignums())', { context: python });
    assert.equal(open.results[0].text, '0');
  });
});

describe('javascript and typescript', () => {
  test('console.log, globals, await semantics, objects as json', async () => {
    const logged = await interpreter.runCode('console.log("Hello from JS")', { context: javascript });
    assert.match(logged.logs.stdout.join(''), /Hello from JS/);
    await interpreter.runCode('global.counter = 0', { context: javascript });
    assert.equal((await interpreter.runCode('console.log(++global.counter)', { context: javascript })).logs.stdout.join('').trim(), '1');
    const awaited = await interpreter.runCode('const result = await Promise.resolve(42);\nresult', { context: javascript });
    assert.match(awaited.results[0].text, /42/);
    const sum = await interpreter.runCode('const a = await Promise.resolve(10);\nconst b = await Promise.resolve(20);\na + b',
      { context: javascript });
    assert.match(sum.results[0].text, /30/);
    const promised = await interpreter.runCode('Promise.resolve(123)', { context: javascript });
    assert.match(promised.results[0].text, /123/);
    const iife = await interpreter.runCode('(async () => "hello world")()', { context: javascript });
    assert.match(iife.results[0].text, /hello world/);
    const object = await interpreter.runCode('({status: "success", value: 123})', { context: javascript });
    assert.deepEqual(object.results[0].json, { status: 'success', value: 123 });
    assert.match((await interpreter.runCode('require("node:os").platform()', { context: javascript })).results[0].text, /linux/);
  });

  test('declarations persist, and a cell that declares can run again', async () => {
    const cell = 'const base = 40;\nlet extra = 2;\nfunction total() { return base + extra }\nclass Box { value() { return total() } }';
    await interpreter.runCode(cell, { context: javascript });
    await interpreter.runCode(cell, { context: javascript });
    const later = await interpreter.runCode('new Box().value()', { context: javascript });
    assert.equal(later.error, undefined, JSON.stringify(later.error));
    assert.equal(later.results[0].text, '42');
  });

  test('errors: runtime, rejected await, and their cell lines', async () => {
    const reference = await interpreter.runCode('console.log(undefinedVariable)', { context: javascript });
    assert.match(`${reference.error.name} ${reference.error.message}`, /Error|undefined/);
    const rejected = await interpreter.runCode('await Promise.reject(new Error("async error"))', { context: javascript });
    assert.match(rejected.error.message, /async error/);
    const typescript = await interpreter.createCodeContext({ language: 'typescript' });
    const thrown = await interpreter.runCode('const n: number = 1;\n\nfunction f(x: number): never {\n  throw new Error("boom " + x)\n}\nf(n)',
      { context: typescript });
    assert.equal(thrown.error.message, 'boom 1');
    assert.ok(thrown.error.traceback.some((line) => /cell-\d+\.ts:4:/.test(line)), thrown.error.traceback.join('\n'));
    const transpile = await interpreter.runCode('let x: = 5', { context: typescript });
    assert.equal(transpile.error.name, 'TranspileError');
    const typed = await interpreter.runCode('interface P { a: number }\nconst p: P = { a: 41 };\np.a + 1', { context: typescript });
    assert.equal(typed.results[0].text, '42');
    await interpreter.deleteCodeContext(typescript.id);
  });

  test('three contexts keep their own values', async () => {
    const contexts = await Promise.all([0, 1, 2].map(() => interpreter.createCodeContext({ language: 'javascript' })));
    await Promise.all(contexts.map((context, index) => interpreter.runCode(`var contextValue = ${index}`, { context })));
    const values = await Promise.all(contexts.map((context) => interpreter.runCode('contextValue', { context })));
    assert.deepEqual(values.map((run) => run.results[0].text), ['0', '1', '2']);
    await Promise.all(contexts.map((context) => interpreter.deleteCodeContext(context.id)));
  });
});

describe('stopping cells', () => {
  test('interrupt stops a busy loop and keeps the names', async () => {
    await interpreter.runCode('kept = "yes"', { context: python });
    const running = interpreter.runCode('while True:\n    pass', { context: python });
    await sleep(500);
    const interrupted = await contextRoute(python.id, 'interrupt');
    assert.equal(interrupted.body.interrupted, true);
    assert.equal((await running).error.name, 'KeyboardInterrupt');
    assert.equal((await interpreter.runCode('kept', { context: python })).results[0].text, "'yes'");

    const loop = interpreter.runCode('let spins = 0; while (true) { spins++ }', { context: javascript });
    await sleep(500);
    await contextRoute(javascript.id, 'interrupt');
    assert.match((await loop).error.name, /KeyboardInterrupt/);
    assert.equal((await interpreter.runCode('spins > 0', { context: javascript })).results[0].text, 'true');
  });

  test('a client that leaves interrupts its cell; the context goes on', async () => {
    await interpreter.runCode('import time\nleft = 0', { context: python });
    const stream = await sandbox.interpreter.streamCode(python.id, 'while True:\n    left += 1\n    time.sleep(0.01)');
    const reader = stream.getReader();
    await sleep(500);
    await reader.cancel();
    const next = await interpreter.runCode('left > 0', { context: python });
    assert.equal(next.error, undefined);
    assert.equal(next.results[0].text, 'True');
  });

  test('timeout_ms ends the cell with a timeout error and keeps the context', async () => {
    const events = await cellEvents(python, 'import time\ntime.sleep(30)', { timeout_ms: 500 });
    assert.equal(events.at(-1).type, 'error');
    assert.equal(events.at(-1).ename, 'TimeoutError');
    assert.equal((await interpreter.runCode('kept', { context: python })).results[0].text, "'yes'");
  });

  test('a runner that dies is reported, and restart brings the context back', async () => {
    const doomed = await interpreter.createCodeContext({ language: 'python' });
    await interpreter.runCode('value = 1', { context: doomed });
    const died = await interpreter.runCode('import os\nos._exit(1)', { context: doomed });
    assert.equal(died.error.name, 'ContextDied');
    await assert.rejects(interpreter.runCode('1', { context: doomed }), /Context executor has terminated/);
    const listed = (await contextRoute(doomed.id, '', { method: 'GET' })).body;
    assert.equal(listed.state, 'dead');
    const restarted = await contextRoute(doomed.id, 'restart');
    assert.equal(restarted.body.state, 'idle');
    assert.equal((await interpreter.runCode('value', { context: doomed })).error.name, 'NameError');
    assert.equal((await interpreter.runCode('1 + 1', { context: python })).results[0].text, '2');
    await interpreter.deleteCodeContext(doomed.id);
  });

  test('a cell running when its context is restarted or deleted says so, not that it crashed', async () => {
    const busy = await interpreter.createCodeContext({ language: 'python' });
    let running = interpreter.runCode('import time\ntime.sleep(30)', { context: busy });
    await sleep(500);
    assert.equal((await contextRoute(busy.id, 'restart')).status, 200);
    assert.equal((await running).error.name, 'ContextRestarted');
    running = interpreter.runCode('import time\ntime.sleep(30)', { context: busy });
    await sleep(500);
    await interpreter.deleteCodeContext(busy.id);
    assert.equal((await running).error.name, 'ContextDeleted');
  });

  test('an output flood is truncated with a marker; the runner stays usable', async () => {
    const flood = await interpreter.runCode('import sys\nfor _ in range(400):\n    sys.stdout.write("y" * 100000 + "\\n")',
      { context: python });
    const printed = flood.logs.stdout.join('').length;
    assert.ok(printed <= 17 * 1024 * 1024, `bounded: ${printed}`);
    assert.match(flood.logs.stderr.join(''), /output truncated/);
    assert.equal((await interpreter.runCode('"after"', { context: python })).results[0].text, "'after'");
  });
});

describe('hostile cells', () => {
  test('messages forged on the runner\'s descriptor are ignored or checked', async () => {
    const forged = await cellEvents(python, [
      'import os, time',
      'os.write(4, b\'{"type":"stdout","text":1}\\n{"type":"noop","pad":"x"}\\n{"type":"done","execution_count":"x"}\\n\')',
      'time.sleep(0.3)',
    ].join('\n'));
    assert.equal(forged.at(-1).type, 'execution_complete');
    assert.equal(forged.at(-1).execution_count, 0, 'the forged done ended the cell, with a number');
    assert.ok(forged.every((event) => event.type !== 'stdout' || typeof event.text === 'string'));
    await sleep(500); // the real done arrives between cells: dropped
    const next = await cellEvents(python, 'print("clean")');
    assert.deepEqual(next.filter((event) => event.type === 'stdout').map((event) => event.text), ['clean\n']);
    assert.equal(next.at(-1).type, 'execution_complete');
    assert.ok(next.at(-1).execution_count > 0);
  });

  test('output printed between cells does not reach the next cell', async () => {
    await interpreter.runCode('import threading, time\ndef chatter():\n    for _ in range(20):\n' +
      '        print("late", flush=True)\n        time.sleep(0.05)\nthreading.Thread(target=chatter).start()',
    { context: python });
    await sleep(1500);
    const next = await interpreter.runCode('print("mine")', { context: python });
    assert.deepEqual(next.logs.stdout, ['mine\n']);
  });

  test('process.exit() in a cell ends the context, reported; setup failures are errors', async () => {
    const doomed = await interpreter.createCodeContext({ language: 'javascript' });
    const exited = await interpreter.runCode('process.exit(0)', { context: doomed });
    assert.equal(exited.error.name, 'ContextDied');
    await interpreter.deleteCodeContext(doomed.id);
    await interpreter.runCode('import os\nos.makedirs("/workspace/locked", exist_ok=True)\nos.chmod("/workspace/locked", 0)',
      { context: python });
    for (const language of ['javascript', 'python'])
      await assert.rejects(sandbox.interpreter.createCodeContext({ language, cwd: '/workspace/locked' }),
        /cannot be set up in '\/workspace\/locked'/);
    await assert.rejects(sandbox.interpreter.createCodeContext({ language: 'python', envVars: { A: 'x\u0000y' } }),
      /must map names to strings/);
  });
});

describe('contexts and errors', () => {
  test('list, delete, unknown ids, bad language, code over 10 MiB', async () => {
    const listed = await interpreter.listCodeContexts();
    assert.ok(listed.some((context) => context.id === python.id && context.language === 'python'));
    await assert.rejects(sandbox.interpreter.createCodeContext({ language: 'invalid-lang' }), /Unsupported language/);
    const fake = { ...python, id: '00000000-0000-4000-a000-000000000000' };
    await assert.rejects(interpreter.runCode('1', { context: fake }), /not found/);
    await assert.rejects(interpreter.deleteCodeContext(fake.id), /not found/);
    const gone = await interpreter.createCodeContext({ language: 'javascript' });
    await interpreter.deleteCodeContext(gone.id);
    await assert.rejects(interpreter.runCode('1', { context: gone }), /not found/);
    const huge = await fetch(`${engine.url}/v1/sandboxes/interpreter/api/execute/code`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ context_id: python.id, code: 'x' + ' '.repeat(11 * 1024 * 1024) }),
    });
    assert.equal(huge.status, 413);
  });

  test('health', async () => {
    const response = await fetch(`${engine.url}/v1/sandboxes/interpreter/api/interpreter/health`);
    const health = await response.json();
    assert.equal(health.status, 'healthy');
  });
});
