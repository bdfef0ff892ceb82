// The smallest VS Code client for `compliance lsp`: it starts the server over stdio for YAML files.
// The server answers only for statute, rule and waiver files; any other YAML file gets nothing.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration('compliance');
  const [command, ...args] = settings.get('server.command', ['compliance', 'lsp']);
  const rules = settings.get('rules', '');
  client = new LanguageClient(
    'compliance',
    'compliance',
    { command, args, transport: TransportKind.stdio },
    {
      documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }],
      initializationOptions: { strict: settings.get('strict', true), ...(rules ? { rules } : {}) },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
