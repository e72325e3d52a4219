// Electron main process: app lifecycle, the one window and its security settings (sandbox,
// context isolation, no Node in the renderer, strict CSP, no navigation, redirect or new
// windows, no permissions, no DevTools when packaged; windowSecurity.ts states them).
// Everything else is the same AppServices the CLI and `spanfill serve` use.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell, utilityProcess } from 'electron';
import { utilityProcessSpawner } from './host/electron-spawn';
import { registerIpc } from './ipc';
import { showTrainingProgress } from './ipc/taskbar';
import { AppServices } from './services/app';
import { SafeStorageTokenStore } from './services/hub-token';
import { dataDirFlagFromArgv, desktopDataDir } from './store/data-dir';
import { isDataDirChosen } from './cli/nextCommand';
import { secondLaunchNote } from './secondLaunch';
import { trustedUrlCheck } from './trustedUrl';
import { navigationGuard, windowWebPreferences } from './windowSecurity';
import { errorMessage } from '../shared/errors';
import { installFaultNet, loggedFault } from './faultNet';

// A fault nobody handles (an unrelated promise rejected with nothing awaiting it) is logged with
// its stack and the app runs on: its window, uploads and training runs do not end with it.
installFaultNet(loggedFault('Spanfill'));

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererIndex = path.join(here, '../renderer/index.html');

const csp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // The dev server needs its HMR socket; production needs nothing remote.
  `connect-src 'self'${devServerUrl ? ` ${new URL(devServerUrl).origin.replace(/^http/, 'ws')}` : ''}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const isTrustedUrl = trustedUrlCheck({
  rendererIndexUrl: pathToFileURL(rendererIndex).href,
  devServerUrl: devServerUrl || undefined,
});

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Spanfill',
    show: false,
    webPreferences: windowWebPreferences({
      preload: path.join(here, '../preload/index.cjs'),
      isPackaged: app.isPackaged,
    }),
  });
  window.once('ready-to-show', () => window.show());
  // Links to the outside world open in the user's browser, never inside the app.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // Any frame, whether the page navigates or a server redirects it, stays on the renderer.
  const guard = navigationGuard(isTrustedUrl);
  window.webContents.on('will-navigate', guard);
  window.webContents.on('will-frame-navigate', guard);
  window.webContents.on('will-redirect', guard);
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererIndex);
  return window;
}

/** The data directory this app opened (start()), for a second launch's note. */
let openDataDir: string | undefined;

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // The app asks for no permission (camera, notifications, clipboard, …): none is granted, and
  // a page that only checks whether it has one is told no.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  // The CLI's store (not Electron's userData): a run trained in a terminal shows in the app.
  const dataDir = desktopDataDir(process.argv);
  openDataDir = dataDir;
  const services = new AppServices({
    dataDir,
    // The commands the app shows name it when --data-dir or SPANFILL_DATA_DIR chose it.
    isDataDirChosen: isDataDirChosen(dataDirFlagFromArgv(process.argv), process.env),
    hubTokenStore: new SafeStorageTokenStore(dataDir, safeStorage),
    electronVersion: process.versions.electron,
    hostSpawner: utilityProcessSpawner(utilityProcess),
    // Set by `npm start` in development; packaged apps ship better-sqlite3 built for Electron.
    sqliteBinding: process.env.SPANFILL_SQLITE_BINDING || undefined,
  });
  registerIpc({
    ipcMain,
    app: services,
    targets: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
    isTrustedUrl,
  });
  showTrainingProgress(services.events, () => BrowserWindow.getAllWindows());
  // A run trained from a terminal on this data directory shows live on the screens too.
  services.watchOtherProcesses();
  createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let isClosing = false;
  app.on('will-quit', (event) => {
    if (isClosing) return;
    isClosing = true;
    event.preventDefault();
    void services.close().finally(() => app.quit());
  });
}

// One desktop app at a time (Electron's lock is per app, not per data directory): a second
// launch focuses this window, and one that asked for another --data-dir is told why it did not
// get it (secondLaunch.ts).
if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const window = BrowserWindow.getAllWindows()[0];
    window?.focus();
    const note = openDataDir === undefined ? undefined : secondLaunchNote(openDataDir, argv, workingDirectory);
    if (window && note) void dialog.showMessageBox(window, { type: 'info', ...note });
  });
  start().catch((error: unknown) => {
    // e.g. a database from a newer Spanfill: say so in a window, not only on a console.
    const message = errorMessage(error);
    console.error('Spanfill failed to start:', error);
    dialog.showErrorBox('Spanfill cannot start', message);
    app.exit(1);
  });
}
