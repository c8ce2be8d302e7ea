/**
 * Checks electron-builder.yml offline with electron-builder's own code: its schema validation,
 * and the file matchers it uses to decide what goes into the package, applied to real files of
 * this checkout. (Building an installer needs a download of Electron, so it is not run here.)
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

const projectDir = path.resolve(__dirname, '../..');
const requireFromProject = createRequire(path.join(projectDir, 'package.json'));

type Filter = (file: string, stat: ReturnType<typeof statSync>) => boolean;
interface Matcher {
  patterns: string[];
  createFilter(): Filter;
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  asarUnpack: string[];
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
  linux: { target: string[]; icon: string };
  [key: string]: unknown;
}

const configModule = requireFromProject('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, options: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const fileMatcher = requireFromProject('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(...args: unknown[]): Matcher[];
  getNodeModuleFileMatcher(...args: unknown[]): Matcher;
};
const { DebugLogger } = requireFromProject('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

describe('electron-builder.yml', () => {
  let config: BuilderConfig;
  let appFiles: Filter;
  let moduleFiles: Filter;

  beforeAll(async () => {
    config = await configModule.getConfig(projectDir, 'electron-builder.yml', null);
    const info = {
      isPrepackedAppAsar: false,
      config,
      projectDir,
      buildResourcesDir: path.resolve(projectDir, config.directories.buildResources),
      debugLogger: { isEnabled: false },
    };
    const expand = (value: string): string => value;
    const outDir = path.resolve(projectDir, config.directories.output);
    appFiles = fileMatcher
      .getMainFileMatchers(projectDir, '/out', expand, {}, { info }, outDir, false)[0]!
      .createFilter();
    moduleFiles = fileMatcher
      .getNodeModuleFileMatcher(projectDir, '/out', expand, {}, info)
      .createFilter();
  });

  const packaged = (filter: () => Filter, relative: string): boolean => {
    const absolute = path.join(projectDir, relative);
    return filter()(absolute, statSync(absolute));
  };

  it("passes electron-builder's own schema validation", async () => {
    await expect(
      configModule.validateConfiguration(config, new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('trust: flips the Electron fuses that close Node-level ways in (as electron-builder writes them)', async () => {
    const { PlatformPackager } = requireFromProject('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<unknown> } };
    };
    const { FuseV1Options, FuseVersion } = requireFromProject('@electron/fuses') as {
      FuseV1Options: Record<string, number>;
      FuseVersion: Record<string, string>;
    };
    const fuses = (await PlatformPackager.prototype.generateFuseConfig.call(
      {},
      config.electronFuses,
    )) as Record<string | number, unknown>;
    expect(fuses.version).toBe(FuseVersion.V1);
    expect(fuses[FuseV1Options.RunAsNode!]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable!]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments!]).toBe(false);
    expect(fuses[FuseV1Options.EnableCookieEncryption!]).toBe(true);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]).toBe(true);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar!]).toBe(true);
    // Asar integrity needs the app packed into an asar archive.
    expect(config.asar).toBe(true);
  });

  it('names the app and builds every desktop target into release/', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
    expect(config.productName).toBe('Transfer Studio');
    // dist/ holds the build itself; installers must not land inside it.
    expect(config.directories.output).toBe('release');
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('packages the bundles, the renderer, the CLI and the window icon, not sources or maps', () => {
    const main = requireFromProject('./package.json') as { main: string };
    expect(packaged(() => appFiles, main.main)).toBe(true);
    for (const file of ['package.json', 'bin/transfer-studio.cjs', 'assets/icon.png']) {
      expect(
        packaged(() => appFiles, file),
        file,
      ).toBe(true);
    }
    for (const file of [
      'main/electron/preload.ts',
      'electron-builder.yml',
      'assets/icon.svg',
      'dist/main/preload.cjs.map',
    ]) {
      expect(
        packaged(() => appFiles, file),
        file,
      ).toBe(false);
    }
  });

  it('keeps what Node loads from TensorFlow.js and sharp, and drops browser builds', () => {
    for (const file of [
      'node_modules/@tensorflow/tfjs/dist/tf.node.js',
      'node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
      'node_modules/@tensorflow/tfjs-layers/dist/tf-layers.node.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      'node_modules/sharp/lib/index.js',
      'node_modules/zod/package.json',
    ]) {
      expect(
        packaged(() => moduleFiles, file),
        file,
      ).toBe(true);
    }
    for (const file of [
      'node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js',
      'node_modules/@tensorflow/tfjs/dist/tf.es2017.js',
      'node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js.map',
      'node_modules/react/index.js',
    ]) {
      expect(
        packaged(() => moduleFiles, file),
        file,
      ).toBe(false);
    }
  });

  it('unpacks native modules and WebAssembly from the asar archive', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/sharp/**',
        'node_modules/@img/**',
        'node_modules/@tensorflow/tfjs-node/**',
        'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
      ]),
    );
  });

  it('points every platform at an icon that exists and is large enough', async () => {
    const png = path.join(projectDir, config.mac.icon);
    expect(config.win.icon).toBe(config.mac.icon);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThanOrEqual(512);
    expect(meta.height).toBe(meta.width);
    for (const size of [16, 32, 48, 128, 256, 512]) {
      const icon = await sharp(
        path.join(projectDir, config.linux.icon, `${size}x${size}.png`),
      ).metadata();
      expect([icon.width, icon.height]).toEqual([size, size]);
    }
  });
});
