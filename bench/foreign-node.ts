// Running a Node binary built for the deployed architecture on this machine: natively when it is
// this machine's own, else under QEMU's user-mode emulation (`qemu-aarch64`: each process of the
// linux-arm64 binary runs on an x64 host, with the arm64 glibc and libstdc++ of Debian's
// cross-compilation packages). The V8 inside is the arm64 build itself: what it compiles and the
// code cache it writes are those of a Graviton, only slower to make.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Launch } from './containers';

/** Debian's libc6-arm64-cross and libstdc++6-arm64-cross install the arm64 libraries here. */
const DEFAULT_ARM64_LIBRARIES = '/usr/aarch64-linux-gnu';
const EMULATORS: Record<string, string[]> = { arm64: ['qemu-aarch64', 'qemu-aarch64-static'] };
const APT_PACKAGES = 'apt-get install -y qemu-user libc6-arm64-cross libstdc++6-arm64-cross';

export interface NodeRunner {
  /** A Launch of the binary with these node flags: spawn `launch.node` with `launch.args`. */
  launch(flags: string[]): Launch;
  /** `native`, or the emulator's command line before the binary. */
  ranUnder: string;
}

/** How to run `binary`, a Node for linux-`arch`, here. */
export function nodeRunner(binary: string, arch: string): NodeRunner {
  if (arch === process.arch) {
    return { launch: (flags) => ({ node: binary, args: flags }), ranUnder: 'native' };
  }
  const emulator = (EMULATORS[arch] ?? []).find(onPath);
  if (process.arch !== 'x64' || EMULATORS[arch] === undefined) {
    throw new Error(`cannot run a linux-${arch} Node on ${process.platform}-${process.arch}`);
  }
  const libraries = process.env.QEMU_LD_PREFIX ?? DEFAULT_ARM64_LIBRARIES;
  if (emulator === undefined || !existsSync(libraries)) {
    throw new Error(
      `a linux-${arch} Node runs here under QEMU user-mode emulation: ${APT_PACKAGES} ` +
        `(found ${emulator ?? 'no qemu-aarch64'}, ${existsSync(libraries) ? '' : 'no '}${libraries})`,
    );
  }
  const prefix = ['-L', libraries, binary];
  return {
    launch: (flags) => ({ node: emulator, args: [...prefix, ...flags] }),
    ranUnder: `${emulator} -L ${libraries}`,
  };
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
