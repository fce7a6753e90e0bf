#!/usr/bin/python3
"""Offline validator for OpenStack Heat (HOT) templates, using Heat's own code.

Usage (Debian's interpreter, which sees the python3-heat package):

    /usr/bin/python3 tests/heat/validate_hot.py T1.yaml [T2.yaml ...] [--env ENV.yaml]

Prints one line per template, ``OK <path>`` or ``FAIL <path>: <Heat's error>``,
and exits 1 if any template fails (2 on a usage error).  Heat is imported once
and all templates are validated in the same process.

What runs for real (python3-heat, the code of heat-engine's stack-create path,
``EngineService._parse_template_and_validate_stack``):

* ``heat.common.template_format.parse`` -- YAML/JSON parsing, size limit and
  the version-key check;  ``heat.common.environment_format.parse`` for --env.
* ``heat.engine.template.Template`` -- dispatch on ``heat_template_version``
  through the ``heat.templates`` plugins (unknown versions are rejected), then
  ``Template.validate()`` (top-level sections) and the
  ``max_resources_per_stack`` limit, as ``EngineService._validate_template``.
* ``heat.engine.environment.Environment`` built from the --env file
  (parameters, parameter_defaults, resource_registry), over Heat's global
  environment (all in-tree resource plugins and constraints).
* ``heat.engine.stack.Stack(..., strict_validate=True)`` and ``Stack.validate()``:
  parameter schemas and values (missing values for parameters without a default
  are an error, as in stack create), parameter_groups, conditions, resource
  definitions (unknown resource types, depends_on targets, intrinsic functions
  get_param/get_resource/get_attr/list_join/str_replace/get_file/..., and the
  dependency graph), each resource plugin's ``validate()`` (property schema:
  unknown property names, types, required properties, allowed values/ranges/
  patterns, offline custom constraints such as ip_addr, net_cidr, mac_addr,
  dns_name, iso_8601, timezone, cron_expression), nested template resources
  (provider templates referenced by ``type: x.yaml`` or the resource_registry),
  and outputs.
* Files referenced by ``get_file`` and template-resource types are read from
  disk relative to the referencing template/environment file and passed to
  Heat in the ``files`` map keyed by the literal string used in the template
  (what python-heatclient uploads).  URLs (http:, https:, ...) are never
  fetched, and files that do not exist are left out, so Heat itself reports
  them ('No content found in the "files" section for get_file path: ...',
  'Could not fetch remote template "x.yaml": Invalid URL scheme').

What is stubbed (only things that need a live cloud):

* Keystone/auth: a fake ``heat.common.context.RequestContext`` (fixed user and
  project ids, dummy token, auth_url http://offline.invalid:5000/v3,
  is_admin False, no roles).  Its auth plugin is keystoneauth's static
  token-endpoint plugin, so no token is validated and every service endpoint
  "exists" in the catalog (resource types are never rejected as "service not
  available").  Not run: resource-type access policy (``ResourceEnforcer``,
  depends on the caller's roles), the deferred-auth credential check, and the
  database checks of stack create (stack name already exists, stacks per
  tenant).
* Custom constraints that look names up in OpenStack services: every
  constraint class registered under the ``heat.constraints`` entry point and
  implemented in ``heat.engine.clients.os.*`` has ``validate_with_client``
  replaced by an accept-anything no-op, i.e. any name/ID is accepted for
  barbican.*, blazar.reservation, cinder.* (volume, vtype, snapshot, backup,
  qos_specs), designate.zone, glance.image, ironic.*, keystone.* (project,
  user, group, role, domain, region, service), magnum.cluster_template,
  manila.*, mistral.workflow, monasca.notification, neutron.* (network,
  subnet, port, router, security_group, qos_policy, address_scope,
  subnetpool, segment, lbaas/taas/sfc ones), nova.flavor, nova.keypair,
  nova.host, nova.server, octavia.*, sahara.*, senlin.*, trove.flavor,
  zaqar.queue.  Also ``nova.network``, which this Heat release maps to a
  test-only constraint (TestConstraintDelay) that sleeps "value" seconds.
  ``--list-stubs`` prints the exact list for the installed Heat.  The offline
  constraints (ip_addr, net_cidr, ip_or_cidr, mac_addr, dns_name,
  rel_dns_name, dns_domain, iso_8601, expiration, timezone, cron_expression)
  run for real.
* Service extensions: ``ExtensionMixin.has_extension`` (neutron, cinder,
  nova extension lists) answers True, i.e. every optional extension such as
  neutron ``qos`` or ``trunk`` is assumed enabled.
* ``OS::Nova::Server.validate()`` narrowly: ``Server._validate_image_flavor``
  (asks Glance/Nova for the image and flavor objects to compare min_ram/
  min_disk and image status) is skipped; ``NovaClientPlugin.
  get_max_microversion`` returns the newest compute API microversion known
  to the installed python3-novaclient (2.92 for Debian 12), so microversion-
  gated checks behave as against a current Nova (tags and NIC tags allowed,
  ``personality`` rejected, ``OS::Nova::KeyPair`` needs public_key); and
  ``NovaClientPlugin.absolute_limits`` returns Nova's default limits
  (maxServerMeta 128, maxPersonality 5, maxPersonalitySize 10240).
* RPC: group/nested-stack resources (AutoScalingGroup, ResourceGroup, ...)
  construct an engine RPC client object while validating; oslo.messaging is
  set up with its in-memory ``fake://`` transport and ``EngineClient.call``/
  ``cast`` raise, so no message is ever sent (none is needed for a new
  stack).
* Guards, not stubs: any other attempt to create a live service client
  (``ClientPlugin.client`` / ``_create`` of every client plugin) makes that
  template FAIL with "validator limitation: Heat needs a live <service>
  client here", and outgoing sockets (connect, sendto, getaddrinfo,
  create_connection) are disabled process-wide, so nothing can reach the
  network.
* Configuration: oslo.config is initialised in-process with Heat's defaults
  and no config files or dirs; ``plugin_dirs`` is emptied and
  ``environment_dir`` points at an empty temporary directory, so /etc/heat
  and site plugins cannot influence the result.  The script re-executes
  itself once with PYTHONHASHSEED=0 so that, when a template has several
  errors, the one reported is reproducible.
"""

import argparse
import logging
import os
import socket
import sys
import tempfile
import time

HEAT_IMPORT_HINT = ("python3-heat is not importable; install it with "
                    "'apt-get install python3-heat' and run this script with "
                    "/usr/bin/python3")


class LiveCloudAccess(Exception):
    """Raised when Heat code tries to reach a real OpenStack service."""


# --------------------------------------------------------------------------
# Network guard: nothing in this process may open an outgoing connection.
# --------------------------------------------------------------------------
def _block_network():
    def _refuse(*args, **kwargs):
        raise LiveCloudAccess("network access attempted during offline "
                              "validation")
    socket.socket.connect = _refuse
    socket.socket.connect_ex = _refuse
    socket.socket.sendto = _refuse
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse


# --------------------------------------------------------------------------
# Heat bootstrap (config, plugins, stubs)
# --------------------------------------------------------------------------
_HEAT = {}

# Nova's default absolute limits (nova.conf [quota] defaults).
NOVA_DEFAULT_LIMITS = {
    'maxServerMeta': 128,
    'maxPersonality': 5,
    'maxPersonalitySize': 10240,
}


def _init_heat():
    if 'ctx' in _HEAT:
        return _HEAT
    logging.basicConfig(level=logging.CRITICAL)
    _block_network()
    try:
        from oslo_config import cfg
        from heat.common import config as heat_config  # noqa: registers opts
        from heat.common import context as heat_context
        from heat.common import environment_format
        from heat.common import exception
        from heat.common import template_format
        from heat.engine import clients
        from heat.engine.clients import client_plugin
        from heat.engine import constraints
        from heat.engine import environment
        from heat.engine import resources
        from heat.engine import stack as parser
        from heat.engine import template as templatem
    except ImportError as exc:
        sys.stderr.write("%s (%s)\n" % (HEAT_IMPORT_HINT, exc))
        sys.exit(2)
    del heat_config

    # Empty environment.d, removed at exit (only read by initialise()).
    empty_env_dir = tempfile.TemporaryDirectory(prefix="validate_hot_envd_")
    _HEAT['_env_dir'] = empty_env_dir
    cfg.CONF([], project='heat', default_config_files=[],
             default_config_dirs=[])
    cfg.CONF.set_override('plugin_dirs', [])
    cfg.CONF.set_override('environment_dir', empty_env_dir.name)

    # Stub: any client-backed custom constraint accepts every value.
    resources.initialise()
    stubbed = []
    for name, cls in sorted(resources.global_env().constraints.items()):
        client_backed = cls.__module__.startswith('heat.engine.clients.')
        if client_backed or name == 'nova.network':
            if issubclass(cls, constraints.BaseCustomConstraint):
                cls.validate_with_client = (
                    lambda self, client, value: None)
            else:  # pragma: no cover - no such plugin in Heat 19
                cls.validate = lambda self, value, context, *a, **k: True
            stubbed.append("%s (%s.%s)" % (name, cls.__module__,
                                           cls.__name__))

    # Guard: no live service client may be created.
    def _no_client(self, *args, **kwargs):
        raise LiveCloudAccess(
            "validator limitation: Heat needs a live %s client here"
            % type(self).__module__.rsplit('.', 1)[-1])

    def _all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from _all_subclasses(sub)
    client_plugin.ClientPlugin.client = _no_client
    for plugin_cls in [client_plugin.ClientPlugin] + list(
            _all_subclasses(client_plugin.ClientPlugin)):
        if '_create' in vars(plugin_cls):
            plugin_cls._create = _no_client

    # Narrow stubs for OS::Nova::Server.validate(), which consults Nova and
    # Glance: skip the image-vs-flavor size comparison, assume the newest
    # compute API microversion known to the installed novaclient, and use
    # Nova's default absolute limits.
    import novaclient
    from heat.engine.clients.os import nova as nova_plugin
    from heat.engine.resources.openstack.nova import server as nova_server
    nova_server.Server._validate_image_flavor = (
        lambda self, image, flavor: None)
    nova_plugin.NovaClientPlugin.get_max_microversion = (
        lambda self: novaclient.API_MAX_VERSION.get_string())
    nova_plugin.NovaClientPlugin.absolute_limits = (
        lambda self: dict(NOVA_DEFAULT_LIMITS))

    # Assume every optional service extension (neutron qos, trunk, ...) is
    # enabled: the extension list can only be read from the live service.
    from heat.engine.clients import os as os_clients
    os_clients.ExtensionMixin.has_extension = lambda self, alias: True

    # RPC: nested-stack/group resources build an engine RPC client object
    # while validating (they never need to call it for a new stack).  Use
    # oslo.messaging's in-memory fake:// transport, and refuse any real call.
    from heat.common import messaging
    from heat.rpc import client as rpc_client
    messaging.setup('fake://')

    def _no_rpc(self, ctxt, msg, *args, **kwargs):
        raise LiveCloudAccess("validator limitation: Heat needs the "
                              "heat-engine RPC service here (%s)" % msg[0])
    rpc_client.EngineClient.call = _no_rpc
    rpc_client.EngineClient.cast = _no_rpc

    ctx = heat_context.RequestContext.from_dict({
        'user_id': 'validate-hot-user',
        'username': 'validate-hot',
        'tenant_id': 'validate-hot-project',
        'tenant': 'validate-hot',
        'project_id': 'validate-hot-project',
        'auth_token': 'offline-token',
        'auth_url': 'http://offline.invalid:5000/v3',
        'roles': [],
        'is_admin': False,
        'password': None,
    })

    _HEAT.update(cfg=cfg, exception=exception,
                 template_format=template_format,
                 environment_format=environment_format,
                 environment=environment, parser=parser,
                 templatem=templatem, ctx=ctx, stubbed=stubbed,
                 clients=clients)
    return _HEAT


# --------------------------------------------------------------------------
# files map (what heatclient would upload)
# --------------------------------------------------------------------------
_URL_PREFIXES = ('http:', 'https:', 'ftp:', 'swift:', 'file:')


def _is_template_type(value):
    return isinstance(value, str) and value.endswith(('.yaml', '.template'))


def _read_local(ref, base_dir):
    if not isinstance(ref, str) or ref.startswith(_URL_PREFIXES):
        return None
    path = ref if os.path.isabs(ref) else os.path.join(base_dir, ref)
    if not os.path.isfile(path):
        return None
    with open(path, 'rb') as fh:
        data = fh.read()
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return None  # binary content is not supported by Heat's files map


def _collect_files(node, base_dir, files, template_format, seen):
    """Add get_file targets and template-resource types found in node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'get_file' and isinstance(value, str):
                if value not in files:
                    content = _read_local(value, base_dir)
                    if content is not None:
                        files[value] = content
            elif key == 'type' and _is_template_type(value):
                _add_template_file(value, base_dir, files,
                                   template_format, seen)
            else:
                _collect_files(value, base_dir, files, template_format, seen)
    elif isinstance(node, list):
        for item in node:
            _collect_files(item, base_dir, files, template_format, seen)


def _add_template_file(ref, base_dir, files, template_format, seen):
    if ref in files:
        return
    content = _read_local(ref, base_dir)
    if content is None:
        return
    files[ref] = content
    path = os.path.realpath(ref if os.path.isabs(ref)
                            else os.path.join(base_dir, ref))
    if path in seen:
        return
    seen.add(path)
    try:
        nested = template_format.simple_parse(content)
    except Exception:
        return  # Heat will report the parse error when it loads the file
    _collect_files(nested, os.path.dirname(path), files, template_format,
                   seen)


def _env_files(env_dict, env_dir, files, template_format):
    registry = env_dict.get('resource_registry') or {}

    def walk(reg):
        for key, value in reg.items():
            if isinstance(value, dict):
                walk(value)
            elif _is_template_type(value):
                _add_template_file(value, env_dir, files, template_format,
                                   set())
    if isinstance(registry, dict):
        walk(registry)


# --------------------------------------------------------------------------
# Validation of one template
# --------------------------------------------------------------------------
def validate_one(path, env_text=None, env_path=None):
    h = _init_heat()
    template_format = h['template_format']
    with open(path, encoding='utf-8') as fh:
        text = fh.read()

    # 1. heat.common.template_format.parse (YAML + HOT top-level checks)
    tpl = template_format.parse(text, tmpl_url=None)

    # files map as uploaded by python-heatclient
    files = {}
    env_dict = {}
    if env_text is not None:
        env_dict = h['environment_format'].parse(env_text)
        _env_files(env_dict, os.path.dirname(os.path.abspath(env_path)),
                   files, template_format)
    _collect_files(tpl, os.path.dirname(os.path.abspath(path)), files,
                   template_format, {os.path.realpath(path)})

    # 2. Template (version dispatch) + environment, as the engine service does
    tmpl = h['templatem'].Template(tpl, files=files)
    tmpl.env = h['environment'].Environment(env_dict)

    # EngineService._validate_template
    try:
        tmpl.validate()
    except AssertionError:
        raise
    except Exception as ex:
        raise h['exception'].StackValidationFailed(message=str(ex))
    max_resources = h['cfg'].CONF.max_resources_per_stack
    if max_resources != -1 and len(tmpl[tmpl.RESOURCES]) > max_resources:
        raise h['exception'].RequestLimitExceeded(
            message=h['exception'].StackResourceLimitExceeded.msg_fmt)

    # 3. Stack + Stack.validate() (strict, as in stack create)
    stack = h['parser'].Stack(h['ctx'], 'validate_hot', tmpl,
                              strict_validate=True)
    stack.validate()


def _one_line(msg):
    return ' '.join(str(msg).split())


def _deterministic():
    """Re-exec once with a fixed hash seed so Heat's set/dict iteration
    order (and hence which error is reported first) is reproducible."""
    if os.environ.get('PYTHONHASHSEED') != '0':
        env = dict(os.environ, PYTHONHASHSEED='0')
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Validate HOT templates offline with Heat's own code.")
    ap.add_argument('templates', nargs='*', metavar='TEMPLATE.yaml')
    ap.add_argument('--env', '-e', metavar='ENV.yaml',
                    help='Heat environment file applied to every template')
    ap.add_argument('--list-stubs', action='store_true',
                    help='print the stubbed custom constraints and exit')
    ap.add_argument('--time', action='store_true',
                    help='print elapsed time to stderr')
    ap.add_argument('--debug', action='store_true',
                    help='print Python tracebacks of failures to stderr')
    args = ap.parse_args(argv)

    start = time.monotonic()
    h = _init_heat()
    if args.list_stubs:
        for line in h['stubbed']:
            print(line)
        return 0
    if not args.templates:
        ap.error('no template given')

    env_text = None
    if args.env:
        with open(args.env, encoding='utf-8') as fh:
            env_text = fh.read()

    failed = 0
    for path in args.templates:
        try:
            validate_one(path, env_text, args.env)
        except Exception as ex:  # Heat's error, reported verbatim
            failed += 1
            if args.debug:
                import traceback
                traceback.print_exc()
            msg = _one_line(ex) or type(ex).__name__
            print('FAIL %s: %s' % (path, msg))
        else:
            print('OK %s' % path)
        sys.stdout.flush()
    if args.time:
        sys.stderr.write('validated %d template(s) in %.2fs\n'
                         % (len(args.templates), time.monotonic() - start))
    return 1 if failed else 0


if __name__ == '__main__':
    _deterministic()
    sys.exit(main())
