// Validates Kubernetes objects against the upstream OpenAPI schemas that the npm package
// kubernetes-models ships (with @kubernetes-models/validate's formats). Input: a JSON file holding
// [{"file": ..., "object": {...}}, ...]. Prints one line per problem; exits 1 when there is any.
// Run with NODE_PATH pointing at the node_modules that setup.sh installed.
"use strict";
const fs = require("fs");

function modelClass(apiVersion, kind) {
  // "v1" -> kubernetes-models/v1; "apps/v1" -> kubernetes-models/apps/v1
  let module;
  try {
    module = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
  return module[kind] || null;
}

const entries = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let problems = 0;
for (const { file, object } of entries) {
  const where = `${file}: ${object.kind}/${object.metadata && object.metadata.name}`;
  const Model = modelClass(object.apiVersion, object.kind);
  if (!Model) {
    console.log(`${where}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
    problems++;
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    const details = (e.errors || []).map((x) => `${x.instancePath} ${x.message}`).join("; ");
    console.log(`${where}: ${details || e.message}`);
    problems++;
  }
}
console.log(`schema check: ${entries.length - problems} of ${entries.length} objects valid`);
process.exit(problems ? 1 : 0);
