using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class UnknownKeyTests
{
    [Theory]
    [InlineData("globalTtl: 5", "models.yaml:1:1 globalTtl: unknown key 'globalTtl' (did you mean 'globalTTL'?)")]
    [InlineData("model:\n  a: {}", "models.yaml:1:1 model: unknown key 'model' (did you mean 'models'?)")]
    [InlineData("totally_unrelated: 1", "models.yaml:1:1 totally_unrelated: unknown key 'totally_unrelated' (ignored)")]
    [InlineData("defs:\n  x: &x { ttl: 5 }", "models.yaml:1:1 defs: unknown key 'defs' (ignored; harmless if it only holds YAML anchors)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}', tll: 5 }", "models.yaml:2:26 models.m.tll: unknown key 'tll' (did you mean 'ttl'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}', filters: { stripParam: x } }", "models.yaml:2:37 models.m.filters.stripParam: unknown key 'stripParam' (did you mean 'stripParams'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}', timeouts: { conect: 1 } }", "models.yaml:2:38 models.m.timeouts.conect: unknown key 'conect' (did you mean 'connect'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}', capabilities: { tool: true } }", "models.yaml:2:42 models.m.capabilities.tool: unknown key 'tool' (did you mean 'tools'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}', compat: { ignoreWebsocket: true } }", "models.yaml:2:36 models.m.compat.ignoreWebsocket: unknown key 'ignoreWebsocket' (did you mean 'ignoreWebsockets'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}' }\ngroups:\n  g: { member: [m] }", "models.yaml:4:8 groups.g.member: unknown key 'member' (did you mean 'members'?)")]
    [InlineData("peers:\n  p: { proxy: 'http://p', models: [m], apikey: k }", "models.yaml:2:40 peers.p.apikey: unknown key 'apikey' (did you mean 'apiKey'?)")]
    [InlineData("peers:\n  p: { proxy: 'http://p', models: [m], timeouts: { idleConnection: 1 } }", "models.yaml:2:52 peers.p.timeouts.idleConnection: unknown key 'idleConnection' (did you mean 'idleConn'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}' }\nprofiles:\n  p: { pin: { x: m }, pins: { y: m } }", "models.yaml:4:8 profiles.p.pin: unknown key 'pin' (did you mean 'pins'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}' }\nselectors:\n  s: { strategy: pin, target: [m], targets: [m] }", "models.yaml:4:23 selectors.s.target: unknown key 'target' (did you mean 'targets'?)")]
    [InlineData("models:\n  m: { cmd: 's ${PORT}' }\nselectors:\n  s: { strategy: pin, targets: [m], settings: { spilover: 2 } }", "models.yaml:4:49 selectors.s.settings.spilover: unknown key 'spilover' (did you mean 'spillover'?)")]
    [InlineData("hooks:\n  onStartup: {}", "models.yaml:2:3 hooks.onStartup: unknown key 'onStartup' (did you mean 'on_startup'?)")]
    [InlineData("hooks:\n  on_startup: { preloads: [] }", "models.yaml:2:17 hooks.on_startup.preloads: unknown key 'preloads' (did you mean 'preload'?)")]
    [InlineData("routing:\n  routr: {}", "models.yaml:2:3 routing.routr: unknown key 'routr' (did you mean 'router'?)")]
    [InlineData("routing:\n  router: { uses: group }", "models.yaml:2:13 routing.router.uses: unknown key 'uses' (did you mean 'use'?)")]
    [InlineData("routing:\n  router: { settings: { group: {} } }", "models.yaml:2:25 routing.router.settings.group: unknown key 'group' (did you mean 'groups'?)")]
    [InlineData("routing:\n  router: { settings: { matrix: { var: {} } } }", "models.yaml:2:35 routing.router.settings.matrix.var: unknown key 'var' (did you mean 'vars'?)")]
    [InlineData("routing:\n  scheduler: { setting: {} }", "models.yaml:2:16 routing.scheduler.setting: unknown key 'setting' (did you mean 'settings'?)")]
    [InlineData("routing:\n  scheduler: { settings: { fif: {} } }", "models.yaml:2:28 routing.scheduler.settings.fif: unknown key 'fif' (did you mean 'fifo'?)")]
    [InlineData("routing:\n  scheduler: { settings: { fifo: { priorities: {} } } }", "models.yaml:2:36 routing.scheduler.settings.fifo.priorities: unknown key 'priorities' (did you mean 'priority'?)")]
    [InlineData("store: { path: '/tmp/x.db', file: y }", "models.yaml:1:29 store.file: unknown key 'file' (ignored)")]
    [InlineData("ui: { activites: {} }", "models.yaml:1:7 ui.activites: unknown key 'activites' (did you mean 'activity'?)")]
    [InlineData("ui: { activity: { sessionId: [] } }", "models.yaml:1:19 ui.activity.sessionId: unknown key 'sessionId' (did you mean 'session_id'?)")]
    [InlineData("performance: { disable: true }", "models.yaml:1:16 performance.disable: unknown key 'disable' (did you mean 'disabled'?)")]
    [InlineData("upstream: { ignorePath: [] }", "models.yaml:1:13 upstream.ignorePath: unknown key 'ignorePath' (did you mean 'ignorePaths'?)")]
    public void UnknownKeysAreWarningsNamingTheClosestKnownKey(string yaml, string expected)
    {
        var result = AssertWarning(yaml + "\n", expected);

        Assert.True(result.Succeeded, Describe(result));
    }
}
