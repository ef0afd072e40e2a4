// Runs a module on Node's WebAssembly engine (V8) for Benchmarks/run.
//   node node.mjs bare FILE                      instantiate, call run(), print its i64
//   node node.mjs wasi [--dir DIR]... FILE [ARGS...]  a WASI command through node:wasi
//   node node.mjs compile FILE                   compile only (with --no-wasm-lazy-compilation
//                                                V8 compiles every function up front)
import { readFileSync } from 'node:fs';
import { argv, exit, env } from 'node:process';

const [mode, ...rest] = argv.slice(2);

if (mode === 'bare') {
  const { instance } = await WebAssembly.instantiate(readFileSync(rest[0]));
  console.log(String(instance.exports.run()));
} else if (mode === 'compile') {
  const module = new WebAssembly.Module(readFileSync(rest[0]));
  console.log(`compiled, ${WebAssembly.Module.exports(module).length} exports`);
} else if (mode === 'wasi') {
  const { WASI } = await import('node:wasi');
  const preopens = {};
  const environment = {};
  while (rest[0] === '--dir' || rest[0] === '--env') {
    const [flag, value] = rest.splice(0, 2);
    if (flag === '--dir') preopens[value] = value;
    else {
      const at = value.indexOf('=');
      environment[value.slice(0, at)] = value.slice(at + 1);
    }
  }
  const file = rest[0];
  const wasi = new WASI({ version: 'preview1', args: [file, ...rest.slice(1)], env: environment,
                          preopens, returnOnExit: true });
  const module = await WebAssembly.compile(readFileSync(file));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  exit(wasi.start(instance));
} else {
  console.error(`usage: node node.mjs bare|wasi|compile FILE [ARGS...] (got ${mode})`);
  exit(2);
}
