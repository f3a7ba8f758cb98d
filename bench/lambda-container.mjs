// A Lambda container for the benchmark, in a process of its own (plain JavaScript: nothing but
// Node and the bundle is loaded). The stand-ins live in the parent; this process gets only the
// environment variables Lambda would set.
//
//   node lambda-container.mjs once <bundle> <event-json>
//     Cold start: imports the bundle, answers one event, prints the result as one JSON line and
//     exits at once, as Lambda freezes the container once the response is out.
//   node lambda-container.mjs serve <bundle>       (forked, with an IPC channel)
//     Warm container: answers { id, event } messages one after the other, timing each call of
//     the handler inside this process (wall time, and the main thread's CPU time); { kind:
//     'code-cache', file } writes the bundle's V8 code cache (bench/code-cache.ts).

const [mode, bundle, eventJson] = process.argv.slice(2);

const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  getRemainingTimeInMillis: () => 30_000,
};

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * The bot's own main-thread CPU time: process.threadCpuUsage (Node 22.19+), else the process's
 * (Node 20: GC and compiler threads counted too).
 */
const mainThreadCpu = (previous) =>
  process.threadCpuUsage ? process.threadCpuUsage(previous) : process.cpuUsage(previous);

const summary = (result) => ({
  statusCode: result?.statusCode,
  body: typeof result?.body === 'string' ? result.body.slice(0, 2000) : result?.body,
});

if (mode === 'once') {
  const started = performance.now();
  const { handler, codeCacheUsed } = await import(bundle);
  const imported = performance.now();
  const result = await handler(JSON.parse(eventJson), context);
  const answered = performance.now();
  // One line, after whatever the bot logged: the parent looks for the marker.
  process.stdout.write(
    `bench-result ${JSON.stringify({
      ...summary(result),
      // performance.now() counts from the start of this process.
      timeline: { started, imported, answered },
      maxRssKb: process.resourceUsage().maxRSS,
      // CPU time of the whole process so far (all its threads): what a busy machine does not inflate.
      cpuMs: cpuMs(),
      codeCacheUsed,
    })}\n`,
  );
  process.exit(0);
} else if (mode === 'serve') {
  const loaded = await import(bundle);
  const { handler } = loaded;
  process.on('message', async (message) => {
    if (message.kind === 'exit') process.exit(0); // not a signal: --cpu-prof writes its profile on exit
    if (message.kind === 'code-cache') {
      // After training requests: the cache holds every function they compiled.
      if (typeof loaded.createCodeCache !== 'function') {
        process.send({ id: message.id, error: `${bundle} is not a code cache layout` });
        return;
      }
      const { writeFileSync } = await import('node:fs');
      const data = loaded.createCodeCache();
      writeFileSync(message.file, data);
      process.send({ id: message.id, bytes: data.length });
      return;
    }
    if (message.kind === 'memory') {
      globalThis.gc?.(); // forked with --expose-gc: what the heap holds, not what it has yet to collect
      const { rss, heapUsed } = process.memoryUsage();
      process.send({
        id: message.id,
        memory: { maxRssKb: process.resourceUsage().maxRSS, rssKb: rss / 1024, heapUsedKb: heapUsed / 1024 },
      });
      return;
    }
    const start = performance.now();
    const cpu = mainThreadCpu();
    const timing = () => {
      const { user, system } = mainThreadCpu(cpu);
      return { ms: performance.now() - start, cpuMs: (user + system) / 1000 };
    };
    try {
      const result = await handler(message.event, context);
      process.send({ id: message.id, ...timing(), result: summary(result) });
    } catch (error) {
      process.send({ id: message.id, ...timing(), error: String(error?.stack ?? error) });
    }
  });
  process.send({ ready: true });
} else {
  console.error('usage: lambda-container.mjs once <bundle> <event-json> | serve <bundle>');
  process.exit(2);
}
