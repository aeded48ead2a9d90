// web-ext settings shared by `npm run lint` and `npm run pack`: what is not part of the extension.
export default {
  sourceDir: '.',
  artifactsDir: 'dist',
  ignoreFiles: ['test', 'dist', 'scripts', 'node_modules', 'package.json', 'package-lock.json', 'web-ext-config.mjs', 'README.md'],
  build: { overwriteDest: true },
};
