// The app version, from package.json (inlined by the bundler; read through tsx in source runs).

import packageJson from '../../../package.json';

export const appVersion: string = packageJson.version;
