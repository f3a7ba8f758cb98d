// Summarises a V8 .cpuprofile of a bench container (BENCH_CPU_PROF=<dir> npm run bench): self
// time by package and the busiest functions, located in the sources through the bundle's source
// map (`<bundle>.map`: dist/handler.mjs.map, or dist/handler.app.cjs.map for a code cache layout).
//
//   npx tsx bench/profile-summary.ts <file.cpuprofile> [more...]
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | undefined>();
/** The source map beside a bundle the profile ran, if it has one. */
function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    let map: SourceMap | undefined;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    sourceMaps.set(url, map);
  }
  return sourceMaps.get(url);
}

function locate(frame: CallFrame): { where: string; pkg: string } {
  const sourceMap = /\/(handler|worker)(\.app\.cjs|\.mjs)$/.test(frame.url)
    ? sourceMapOf(frame.url)
    : undefined;
  if (sourceMap) {
    const entry = sourceMap.findEntry(frame.lineNumber, frame.columnNumber) as {
      originalSource?: string;
      originalLine?: number;
    };
    const source = entry.originalSource ?? 'handler.mjs';
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? (source.includes('/src/') ? 'src' : source);
    return { where: `${source.replace(/.*node_modules\//, '')}:${(entry.originalLine ?? 0) + 1}`, pkg };
  }
  if (frame.url === '')
    return { where: `(${frame.functionName || 'native'})`, pkg: `(${frame.functionName || 'native'})` };
  if (frame.url.startsWith('node:')) return { where: frame.url, pkg: 'node internals' };
  return { where: frame.url, pkg: frame.url.split('/').at(-1) ?? frame.url };
}

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { where, pkg } = locate(node.callFrame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`)
      .join('\n');
  console.log(
    `${file}: ${(total / 1000).toFixed(1)} ms sampled\n\nself time by package\n${top(byPackage, 25)}`,
  );
  console.log(`\nbusiest functions\n${top(byFunction, 30)}\n`);
}
