/**
 * A stand-in for the parts of the 'electron' module the main process uses, for tests on a
 * machine without an Electron binary. It records what the app asks of Electron (windows,
 * handlers, protocol, menu, processes) and lets a test play Electron's part (invoke an IPC
 * handler as a given sender, click a menu item, end a utility process). It proves the wiring,
 * not Electron's own behaviour: the Electron e2e does that where a binary exists.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly posted: Array<{ channel: string; message: unknown; ports: unknown[] }> = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  postMessage(channel: string, message: unknown, ports: unknown[] = []): void {
    this.posted.push({ channel, message, ports });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedFile: string | null = null;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  async loadFile(file: string): Promise<void> {
    this.loadedFile = file;
    this.webContents.url = new URL(`file://${file}`).href;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
  show(): void {}
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created;
  }
}

export class FakeUtilityProcess extends EventEmitter {
  static forked: FakeUtilityProcess[] = [];
  readonly posted: Array<{ message: unknown; ports: unknown[] }> = [];
  readonly stderr = new EventEmitter();
  killed = false;
  pid: number | undefined = 4242;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
    FakeUtilityProcess.forked.push(this);
  }
  postMessage(message: unknown, ports: unknown[] = []): void {
    this.posted.push({ message, ports });
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

export function createFakeElectron(options: { userData: string; readyNow?: boolean }) {
  FakeBrowserWindow.created = [];
  FakeUtilityProcess.forked = [];
  const ipcHandlers = new Map<string, Handler>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const paths = new Map<string, string>([['userData', options.userData]]);
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const app = Object.assign(new EventEmitter(), {
    name: 'transfer-studio',
    isPackaged: false,
    quitCalls: 0,
    setName(name: string) {
      app.name = name;
    },
    getPath: (name: string) => paths.get(name) ?? `/fake/${name}`,
    setPath: (name: string, value: string) => paths.set(name, value),
    getVersion: () => '0.1.0-test',
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    quit() {
      app.quitCalls++;
    },
    exit() {},
  });
  const headerListeners: Array<
    (details: Record<string, unknown>, callback: (response: unknown) => void) => void
  > = [];
  const permission = {
    request: null as null | ((...args: unknown[]) => void),
    check: null as null | ((...args: unknown[]) => boolean),
  };
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain: MessageChannel,
    utilityProcess: {
      fork: (modulePath: string, args: string[] = [], forkOptions: Record<string, unknown> = {}) =>
        new FakeUtilityProcess(modulePath, args, forkOptions),
    },
    ipcMain: {
      handle(channel: string, handler: Handler) {
        if (ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        ipcHandlers.set(channel, handler);
      },
      removeHandler(channel: string) {
        ipcHandlers.delete(channel);
      },
    },
    protocol: {
      privileged: [] as unknown[],
      registerSchemesAsPrivileged(schemes: unknown[]) {
        electron.protocol.privileged.push(...schemes);
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response>) {
        protocolHandlers.set(scheme, handler);
      },
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived(listener: (typeof headerListeners)[number]) {
            headerListeners.push(listener);
          },
        },
        setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
          permission.request = handler;
        },
        setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
          permission.check = handler;
        },
        setDevicePermissionHandler() {},
      },
    },
    dialog: {
      nextFolders: null as string[] | null,
      errors: [] as Array<{ title: string; content: string }>,
      async showOpenDialog() {
        const chosen = electron.dialog.nextFolders;
        return { canceled: chosen === null, filePaths: chosen ?? [] };
      },
      showErrorBox(title: string, content: string) {
        electron.dialog.errors.push({ title, content });
      },
    },
    Menu: {
      current: null as null | { template: unknown[] },
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu(menu: { template: unknown[] }) {
        electron.Menu.current = menu;
      },
    },
  };

  /** Plays Electron's part of an invoke from a given frame. */
  async function invoke(
    channel: string,
    sender: { contents: FakeWebContents; frameUrl?: string | null; isMainFrame?: boolean },
    ...args: unknown[]
  ): Promise<unknown> {
    const handler = ipcHandlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    const frameUrl = sender.frameUrl === undefined ? sender.contents.url : sender.frameUrl;
    const senderFrame =
      frameUrl === null
        ? null
        : { url: frameUrl, parent: sender.isMainFrame === false ? {} : null };
    return handler({ sender: sender.contents, senderFrame }, ...args);
  }

  /** Runs the response-header listeners as Electron would for one response. */
  function headersFor(details: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const listener = headerListeners[0];
      if (!listener) throw new Error('no onHeadersReceived listener');
      listener(details, (response) => resolve(response as Record<string, unknown>));
    });
  }

  /** Finds a menu item by label, depth first. */
  function menuItem(label: string): { click?: () => void } | undefined {
    const walk = (items: unknown[]): { click?: () => void } | undefined => {
      for (const item of items as Array<{ label?: string; submenu?: unknown[] }>) {
        if (item.label === label) return item as { click?: () => void };
        const inner = Array.isArray(item.submenu) ? walk(item.submenu) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    return walk(electron.Menu.current?.template ?? []);
  }

  return {
    electron,
    app,
    becomeReady: () => resolveReady(),
    ipcHandlers,
    protocolHandlers,
    permission,
    invoke,
    headersFor,
    menuItem,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
