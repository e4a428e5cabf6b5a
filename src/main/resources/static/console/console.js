// Twoway operator console: one page over the admin API. Same origin, so the browser resends the Basic credentials
// it was given at its prompt; the token is never read here, nor stored.
(function () {
  'use strict';

  var POLL_MS = 2500;
  var HISTORY_MS = 30000;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  /** Calls the API; resolves with {status, body}; a page loaded as http://user:pass@host/ takes absolute URLs only. */
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { 'Accept': 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(location.origin + path, init).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { status: res.status, body: json, text: text };
      });
    });
  }

  function get(path) {
    return api('GET', path).then(function (r) {
      if (r.status >= 400) { throw new Error(describe(r)); }
      return r.body;
    });
  }

  /** The envelope's message and field errors, in words. */
  function describe(r) {
    var b = r.body || {};
    var words = b.message || ('HTTP ' + r.status + (r.text ? ': ' + r.text.slice(0, 200) : ''));
    if (b.errors && b.errors.length) {
      words += ' — ' + b.errors.map(function (e) { return e.field + ': ' + e.message; }).join('; ');
    }
    return words;
  }

  function bulkWords(r) {
    var words = describe(r);
    var results = r.body && r.body.data && r.body.data.results;
    if (results) {
      var failed = results.filter(function (x) { return x.status !== 200; });
      if (failed.length) {
        words += ' — ' + failed.map(function (x) { return '#' + x.id + ': ' + x.message; }).join('; ');
      }
    }
    return words;
  }

  /** Asks first; then runs the change and says what came of it. */
  function act(question, method, path, body, after, words) {
    if (!window.confirm(question)) { return Promise.resolve(null); }
    return api(method, path, body).then(function (r) {
      notify((words || describe)(r), r.status >= 400);
      if (after) { after(r); }
      return r;
    }).catch(function (e) { notify('Request failed: ' + e.message, true); });
  }

  function notify(text, bad) {
    var n = $('#notice');
    n.textContent = text;
    n.className = bad ? 'bad' : 'good';
    n.hidden = false;
  }

  // ---- DOM helpers ---------------------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'class') { e.className = attrs[k]; }
      else if (k.indexOf('on') === 0) { e.addEventListener(k.slice(2), attrs[k]); } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }

  function td(text, cls) { return el('td', { text: text == null ? '—' : String(text), class: cls || '' }); }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : '—'; }
  function qs(params) {
    var parts = Object.keys(params).filter(function (k) { return params[k] !== '' && params[k] != null; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]); });
    return parts.length ? '?' + parts.join('&') : '';
  }
  function formValues(form) {
    var v = {};
    $$('select, input', form).forEach(function (i) { v[i.name] = i.type === 'checkbox' ? i.checked : i.value.trim(); });
    return v;
  }
  function checkedIds(table) {
    return $$('tbody input[type=checkbox]:checked', table).map(function (c) { return Number(c.value); });
  }
  function wireSelection(table, all, counter) {
    var update = function () { $(counter).textContent = checkedIds($(table)).length + ' selected'; };
    $(all).addEventListener('change', function () {
      $$('tbody input[type=checkbox]', $(table)).forEach(function (c) { c.checked = $(all).checked; });
      update();
    });
    $(table).addEventListener('change', update);
    return update;
  }
  function pager(state, label, total, count) {
    var from = total === 0 || count === 0 ? 0 : state.skip + 1;
    $(label).textContent = from + '–' + (state.skip + count) + (total != null ? ' of ' + total : '');
  }

  // ---- charts --------------------------------------------------------------------------------------------------

  var charts = {};
  function chartWidth(div) { return Math.max(240, Math.min(div.clientWidth || 360, 560)); }

  function drawChart(id, xs, series, labels, colors) {
    var div = document.getElementById(id);
    var data = [xs].concat(series);
    if (charts[id] && charts[id].series.length === labels.length + 1) {
      charts[id].setData(data);
      return;
    }
    if (charts[id]) { charts[id].destroy(); }
    div.textContent = '';
    if (typeof uPlot === 'undefined') { div.textContent = 'charts unavailable'; return; }
    charts[id] = new uPlot({
      width: chartWidth(div), height: 150,
      series: [{}].concat(labels.map(function (l, i) { return { label: l, stroke: colors[i], width: 2 }; })),
      axes: [{}, { size: 40 }],
      scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } }
    }, data, div);
  }

  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) {
      var div = document.getElementById(id);
      charts[id].setSize({ width: chartWidth(div), height: 150 });
    });
  });

  // ---- overview ------------------------------------------------------------------------------------------------

  function probe(id, p) {
    var node = $(id);
    if (!p) { node.textContent = '?'; node.className = 'big'; return; }
    if (p.enabled === false) { node.textContent = 'disabled'; node.className = 'big muted'; return; }
    node.textContent = p.up ? 'up' : 'DOWN';
    node.className = 'big ' + (p.up ? 'ok' : 'down');
    node.title = p.up ? (p.latency_ms + ' ms') : (p.error || '');
  }

  function refreshStatus() {
    return get('/admin/status').then(function (env) {
      var d = env.data || {};
      var deps = d.dependencies || {};
      probe('#ov-database', deps.database);
      probe('#ov-kafka', deps.kafka);
      probe('#ov-stripe', deps.stripe);
      var outbox = d.outbox || {};
      $('#ov-backlog').textContent = outbox.backlog == null ? '?' : String(outbox.backlog);
      $('#ov-backlog-age').textContent = outbox.oldest_unpublished_age_seconds ? 'oldest ' + outbox.oldest_unpublished_age_seconds + ' s' : '';
      var lag = d.consumer_lag || {};
      $('#ov-lag').textContent = '';
      Object.keys(lag).forEach(function (g) {
        var v = lag[g];
        $('#ov-lag').appendChild(el('div', { text: g + ': ' + (typeof v === 'object' && v !== null ? JSON.stringify(v) : v) }));
      });
      if (!Object.keys(lag).length) { $('#ov-lag').textContent = 'none'; }
      var dl = d.dead_letters || {};
      $('#ov-dlq').textContent = dl.open == null ? '?' : String(dl.open);
      $('#ov-dlq').className = 'big ' + (dl.open > 0 ? 'warn' : 'ok');
      var br = d.breaker || {};
      $('#ov-breaker').textContent = br.state || '?';
      $('#ov-breaker').className = 'big ' + (br.state === 'closed' ? 'ok' : 'down');
      $('#ov-breaker-rate').textContent = br.failure_rate >= 0 ? 'failure rate ' + br.failure_rate + ' %' : '';
      var rc = d.last_reconciliation;
      $('#ov-recon').textContent = rc ? ('Report ' + rc.id + ': ' + rc.status + ' (' + rc.trigger + '), started ' + when(rc.started_at) +
        (rc.finished_at ? ', finished ' + when(rc.finished_at) : '') + (rc.error ? ' — ' + rc.error : '') +
        (rc.counts && rc.counts.by_kind ? ' — ' + countsWords(rc.counts.by_kind) : '')) : 'none yet';
      $('#ov-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      $('#ov-updated').className = '';
    }).catch(function (e) {
      $('#ov-updated').textContent = 'status unavailable: ' + e.message;
      $('#ov-updated').className = 'down';
    });
  }

  function countsWords(m) {
    var keys = Object.keys(m || {});
    return keys.length ? keys.map(function (k) { return k + ' ' + m[k]; }).join(', ') : 'no mismatches';
  }

  function refreshHistory() {
    return get('/admin/metrics/history').then(function (env) {
      var pts = (env.data && env.data.points) || [];
      var xs = pts.map(function (p) { return Date.parse(p.at) / 1000; });
      var col = function (f) { return pts.map(f); };
      var sc = function (k) { return col(function (p) { return (p.stripe_calls || {})[k] || 0; }); };
      drawChart('chart-relayed', xs, [col(function (p) { return p.relayed || 0; })], ['relayed'], ['#2563eb']);
      drawChart('chart-stripe', xs, [sc('success'), sc('client_error'), sc('rate_limited'), sc('server_error'), sc('io_error')],
        ['success', 'client error', 'rate limited', 'server error', 'I/O error'], ['#16a34a', '#d97706', '#9333ea', '#dc2626', '#475569']);
      drawChart('chart-webhooks', xs, [col(function (p) { return p.webhooks || 0; })], ['webhooks'], ['#0891b2']);
      var seconds = (env.data && env.data.interval_seconds) || 60;
      var per = seconds === 60 ? 'minute' : seconds + ' s';
      document.querySelectorAll('.chart-per').forEach(function (span) { span.textContent = per; });
      $('#chart-note').hidden = pts.length > 0;
      $('#chart-note').textContent = 'No data yet: the history fills in a point every ' + per + '.';
    }).catch(function (e) {
      ['chart-relayed', 'chart-stripe', 'chart-webhooks'].forEach(function (id) {
        if (!charts[id]) { drawChart(id, [], [[]], ['—'], ['#999']); }
      });
      $('#chart-note').hidden = false;
      $('#chart-note').textContent = 'No data yet (' + e.message + ').';
    });
  }

  // ---- conflicts -----------------------------------------------------------------------------------------------

  var cf = { skip: 0, limit: 50, total: 0 };
  var cfSelection = wireSelection('#cf-table', '#cf-all', '#cf-selected');

  function loadConflicts() {
    var f = formValues($('#cf-filter'));
    cf.limit = Number(f.limit) || 50;
    return get('/admin/conflicts' + qs({ status: f.status, type: f.type, skip: cf.skip, limit: cf.limit })).then(function (env) {
      var page = env.data;
      cf.total = page.total;
      $('#cf-total').textContent = page.total + ' matching';
      var body = $('#cf-table tbody');
      body.textContent = '';
      page.items.forEach(function (c) {
        var box = el('input', { type: 'checkbox', value: c.id, 'aria-label': 'Select conflict ' + c.id });
        if (c.status !== 'open') { box.disabled = true; }
        var row = el('tr', { 'data-id': c.id, class: 'clickable' }, [el('td', {}, [box]), td(c.id), td(c.type),
          td(c.customer_id != null ? c.customer_id : (c.external_id || '—')), td(Object.keys(c.fields || {}).join(', ')),
          td(c.status, 'status-' + c.status), td(when(c.detected_at))]);
        row.addEventListener('click', function (ev) { if (ev.target.tagName !== 'INPUT') { showConflict(c.id); } });
        body.appendChild(row);
      });
      if (!page.items.length) { body.appendChild(el('tr', {}, [el('td', { colspan: 7, text: 'No conflicts match.' })])); }
      $('#cf-all').checked = false;
      cfSelection();
      pager(cf, '#cf-page', page.total, page.items.length);
      $('#cf-prev').disabled = cf.skip === 0;
      $('#cf-next').disabled = cf.skip + page.items.length >= page.total;
    }).catch(function (e) { notify('Conflicts: ' + e.message, true); });
  }

  function showConflict(id) {
    return get('/admin/conflicts/' + id).then(function (env) {
      var c = env.data;
      var box = $('#cf-detail');
      box.textContent = '';
      box.hidden = false;
      box.appendChild(el('h3', { text: 'Conflict ' + c.id + ': ' + c.type + ' (' + c.status + ')' }));
      box.appendChild(el('p', { class: 'small', text: 'Customer ' + (c.customer_id != null ? c.customer_id : '—') + ', ' + c.system + ' ' +
        (c.external_id || '') + (c.source_event_id ? ', event ' + c.source_event_id : '') + ', strategy ' + c.strategy +
        ', detected ' + when(c.detected_at) + (c.resolution ? ', resolved ' + c.resolution + ' by ' + c.resolved_by + ' ' + when(c.resolved_at) : '') }));
      var table = el('table', { class: 'sides' }, [el('thead', {}, [el('tr', {}, [el('th', { text: 'Field' }), el('th', { text: 'Local' }),
        el('th', { text: 'Stripe (remote)' }), el('th', { text: 'Base (last agreed)' }), el('th', { text: 'Merged value' })])])]);
      var tbody = el('tbody');
      var fields = c.fields || {};
      Object.keys(fields).forEach(function (name) {
        var s = fields[name];
        var input = el('input', { name: name, class: 'merge', value: s.local != null ? s.local : '', 'aria-label': 'Merged ' + name });
        if (c.status !== 'open') { input.disabled = true; }
        tbody.appendChild(el('tr', { 'data-field': name }, [el('th', { text: name }),
          td(s.local, s.local !== s.base ? 'changed' : ''), td(s.remote, s.remote !== s.base ? 'changed' : ''),
          td(s.base), el('td', {}, [input])]));
      });
      table.appendChild(tbody);
      box.appendChild(el('div', { class: 'scroll' }, [table]));
      if (c.remote_object) { box.appendChild(el('pre', { class: 'small', text: 'Remote customer: ' + JSON.stringify(c.remote_object, null, 1) })); }
      if (c.status === 'open') {
        var resolve = function (resolution) {
          var body = { resolution: resolution };
          if (resolution === 'manual_merge') {
            body.merged = {};
            $$('input.merge', box).forEach(function (i) { if (i.value.trim() !== '') { body.merged[i.name] = i.value.trim(); } });
          }
          act('Resolve conflict ' + c.id + ' with ' + resolution + '?', 'POST', '/admin/conflicts/' + c.id + '/resolve', body,
            function (r) { if (r.status < 400) { showConflict(c.id); loadConflicts(); } });
        };
        box.appendChild(el('div', { class: 'actions' }, [
          el('button', { type: 'button', id: 'cf-accept-local', text: 'Accept local', onclick: function () { resolve('accept_local'); } }),
          el('button', { type: 'button', id: 'cf-accept-remote', text: 'Accept remote', onclick: function () { resolve('accept_remote'); } }),
          el('button', { type: 'button', id: 'cf-merge', text: 'Save merged values', onclick: function () { resolve('manual_merge'); } })]));
      }
      box.appendChild(el('h4', { text: 'Audit trail' }));
      box.appendChild(auditList(c.audit));
      box.scrollIntoView({ block: 'nearest' });
    }).catch(function (e) { notify('Conflict ' + id + ': ' + e.message, true); });
  }

  function auditList(audit) {
    var list = el('ol', { class: 'audit' });
    (audit || []).forEach(function (a) {
      list.appendChild(el('li', { text: when(a.at) + ' — ' + a.action + ' by ' + a.actor + (a.detail ? ': ' + JSON.stringify(a.detail) : '') }));
    });
    if (!(audit || []).length) { list.appendChild(el('li', { text: 'nothing recorded' })); }
    return list;
  }

  function bulkConflicts(resolution) {
    var ids = checkedIds($('#cf-table'));
    if (!ids.length) { notify('Select open conflicts first.', true); return; }
    act('Resolve ' + ids.length + ' conflict(s) with ' + resolution + '?', 'POST', '/admin/conflicts/resolve',
      { ids: ids, resolution: resolution }, function () { loadConflicts(); }, bulkWords);
  }

  function loadConflictStats() {
    return get('/admin/conflicts/stats').then(function (env) {
      var byDay = {};
      ((env.data && env.data.per_day) || []).forEach(function (d) { byDay[d.day] = d.count; });
      var xs = [], ys = [];
      var today = new Date();
      var start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 29 * 86400000;
      for (var i = 0; i < 30; i++) {
        var t = start + i * 86400000;
        xs.push(t / 1000);
        ys.push(byDay[new Date(t).toISOString().slice(0, 10)] || 0);
      }
      drawChart('chart-conflicts', xs, [ys], ['conflicts'], ['#dc2626']);
    }).catch(function () { /* the list says what is wrong */ });
  }

  // ---- reconciliation ------------------------------------------------------------------------------------------

  var rc = { report: null, skip: 0, limit: 50, watching: null };
  var rcSelection = wireSelection('#rc-mismatches', '#rc-all', '#rc-selected');

  function loadReports() {
    return get('/admin/reconciliation/reports?limit=20').then(function (env) {
      var body = $('#rc-reports tbody');
      body.textContent = '';
      (env.data.items || []).forEach(function (r) {
        var row = el('tr', { 'data-id': r.id, class: 'clickable' }, [td(r.id), td(r.status, 'status-' + r.status), td(r.trigger + (r.requested_by ? ' by ' + r.requested_by : '')),
          td((r.dry_run ? 'dry run' : 'repairs') + (r.auto_resolve ? ', auto resolve' : '')), td(when(r.started_at)), td(when(r.finished_at)),
          td(r.counts ? countsWords(r.counts.by_kind) : '—')]);
        row.addEventListener('click', function () { rc.skip = 0; showReport(r.id); });
        body.appendChild(row);
      });
      if (!(env.data.items || []).length) { body.appendChild(el('tr', {}, [el('td', { colspan: 7, text: 'No reports yet.' })])); }
      // the trend: mismatches each finished run found, oldest first
      var done = (env.data.items || []).filter(function (r) { return r.finished_at; }).reverse();
      drawChart('chart-reports', done.map(function (r) { return Date.parse(r.started_at) / 1000; }),
        [done.map(function (r) { return Object.values((r.counts && r.counts.by_kind) || {}).reduce(function (a, b) { return a + b; }, 0); })],
        ['mismatches'], ['#7c3aed']);
    }).catch(function (e) { notify('Reports: ' + e.message, true); });
  }

  function showReport(id) {
    rc.report = id;
    var f = formValues($('#rc-filter'));
    return get('/admin/reconciliation/reports/' + id + qs({ kind: f.kind, status: f.status, skip: rc.skip, limit: rc.limit })).then(function (env) {
      var r = env.data;
      $('#rc-detail').hidden = false;
      $('#rc-detail-title').textContent = 'Report ' + r.id + ': ' + r.status + (r.dry_run ? ' (dry run)' : '');
      $('#rc-counts').textContent = 'By kind: ' + countsWords(r.counts && r.counts.by_kind) + '. By status: ' +
        countsWords(r.counts && r.counts.by_status) + '.' + (r.error ? ' Error: ' + r.error : '');
      var page = r.mismatches || { items: [], total: 0 };
      var body = $('#rc-mismatches tbody');
      body.textContent = '';
      page.items.forEach(function (m) {
        var box = el('input', { type: 'checkbox', value: m.id, 'aria-label': 'Select mismatch ' + m.id });
        if (m.status !== 'open') { box.disabled = true; }
        var buttons = el('td', { class: 'actions' });
        if (m.status === 'open') {
          [['to_remote', 'To Stripe'], ['to_local', 'Locally'], ['none', 'Leave']].forEach(function (d) {
            buttons.appendChild(el('button', { type: 'button', text: d[1], 'data-direction': d[0], onclick: function () {
              act('Resolve mismatch ' + m.id + ' (' + m.kind + ') with direction ' + d[0] + '?', 'POST',
                '/admin/reconciliation/mismatches/' + m.id + '/resolve', { direction: d[0] }, function () { showReport(id); });
            } }));
          });
        }
        body.appendChild(el('tr', { 'data-id': m.id, 'data-kind': m.kind }, [el('td', {}, [box]), td(m.id), td(m.kind), td(m.customer_id),
          td(m.stripe_customer_id), td(m.field), td(m.local_value), td(m.remote_value),
          td((m.action || '') + (m.direction ? ' (' + m.direction + ')' : '')), td(m.status + (m.note ? ': ' + m.note : ''), 'status-' + m.status), buttons]));
      });
      if (!page.items.length) { body.appendChild(el('tr', {}, [el('td', { colspan: 11, text: 'No mismatches match.' })])); }
      $('#rc-all').checked = false;
      rcSelection();
      pager(rc, '#rc-page', page.total, page.items.length);
      $('#rc-prev').disabled = rc.skip === 0;
      $('#rc-next').disabled = page.total == null ? page.items.length < rc.limit : rc.skip + page.items.length >= page.total;
    }).catch(function (e) { notify('Report ' + id + ': ' + e.message, true); });
  }

  function startRun(ev) {
    ev.preventDefault();
    var f = formValues($('#rc-run'));
    var q = qs({ auto_resolve: f.auto_resolve ? 'true' : 'false', dry_run: f.dry_run ? 'true' : 'false' });
    if (!window.confirm('Start a reconciliation run' + (f.dry_run ? ' (dry run)' : '') + (f.auto_resolve ? ' with auto resolve' : '') + '?')) { return; }
    api('POST', '/admin/reconciliation/run' + q).then(function (r) {
      if (r.status === 202) {
        var id = r.body.data.report_id;
        notify(describe(r), false);
        watch(id);
      } else if (r.status === 409) {
        var running = r.body && r.body.data && r.body.data.running_report_id;
        notify('A run is in progress (report ' + running + ').', true);
        if (running) { watch(running); }
      } else {
        notify(describe(r), true);
      }
      loadReports();
    }).catch(function (e) { notify('Request failed: ' + e.message, true); });
  }

  function watch(id) {
    if (rc.watching) { clearInterval(rc.watching); }
    var box = $('#rc-progress');
    box.hidden = false;
    var tick = function () {
      get('/admin/reconciliation/reports/' + id + '?limit=1').then(function (env) {
        var r = env.data;
        var p = r.progress || {};
        box.textContent = 'Report ' + r.id + ': ' + r.status + (p.phase ? ', ' + p.phase : '') +
          (p.percent != null ? ', ' + Math.round(p.percent) + ' %' : '') + (p.stripe_listed != null ? ', ' + p.stripe_listed + ' listed in Stripe' : '') +
          (p.local_compared != null ? ', ' + p.local_compared + ' compared' : '') + (r.error ? ' — ' + r.error : '');
        if (r.status !== 'running') {
          clearInterval(rc.watching);
          rc.watching = null;
          loadReports();
          rc.skip = 0;
          showReport(r.id);
        }
      }).catch(function (e) { box.textContent = 'Report ' + id + ': ' + e.message; });
    };
    tick();
    rc.watching = setInterval(tick, 1500);
  }

  // ---- dead letters --------------------------------------------------------------------------------------------

  var dl = { skip: 0, limit: 50 };
  var dlSelection = wireSelection('#dl-table', '#dl-all', '#dl-selected');

  function loadDeadLetters() {
    var f = formValues($('#dl-filter'));
    return get('/admin/dlq' + qs({ status: f.status, error_class: f.error_class, skip: dl.skip, limit: dl.limit })).then(function (env) {
      var page = env.data;
      var body = $('#dl-table tbody');
      body.textContent = '';
      page.items.forEach(function (d) {
        var box = el('input', { type: 'checkbox', value: d.id, 'aria-label': 'Select dead letter ' + d.id });
        var actions = el('td', { class: 'actions' });
        if (d.status === 'open') {
          actions.appendChild(el('button', { type: 'button', class: 'replay', text: 'Replay', onclick: function () {
            act('Replay dead letter ' + d.id + ' (customer ' + d.customer_id + ')? Its current state goes to Stripe again.', 'POST',
              '/admin/dlq/' + d.id + '/replay', undefined, function () { loadDeadLetters(); });
          } }));
          actions.appendChild(el('button', { type: 'button', class: 'discard', text: 'Discard', onclick: function () {
            act('Discard dead letter ' + d.id + '? It will not be sent again.', 'DELETE', '/admin/dlq/' + d.id, undefined,
              function () { loadDeadLetters(); });
          } }));
        } else {
          box.disabled = true;
        }
        body.appendChild(el('tr', { 'data-id': d.id }, [el('td', {}, [box]), td(d.id), td(d.customer_id), td(d.event_type),
          el('td', { class: 'clickable', title: 'Show only this error class', text: d.error_class || '—', onclick: function () {
            $('#dl-filter input[name=error_class]').value = d.error_class || '';
            dl.skip = 0;
            loadDeadLetters();
          } }), td((d.http_status ? d.http_status + ' ' : '') + (d.error_message || ''), 'message'), td(d.attempts),
          td(d.status, 'status-' + d.status), td(when(d.created_at)), actions]));
      });
      if (!page.items.length) { body.appendChild(el('tr', {}, [el('td', { colspan: 10, text: 'No dead letters match.' })])); }
      $('#dl-all').checked = false;
      dlSelection();
      pager(dl, '#dl-page', page.total, page.items.length);
      $('#dl-prev').disabled = dl.skip === 0;
      $('#dl-next').disabled = page.total == null ? page.items.length < dl.limit : dl.skip + page.items.length >= page.total;
    }).catch(function (e) { notify('Dead letters: ' + e.message, true); });
  }

  // ---- customer ------------------------------------------------------------------------------------------------

  function search(ev) {
    ev.preventDefault();
    var q = $('#cu-q').value.trim();
    var out = $('#cu-results');
    out.textContent = 'Searching…';
    $('#cu-timeline').hidden = true;
    get('/admin/customers/search' + qs({ q: q })).then(function (env) {
      var items = (env.data && env.data.items) || [];
      out.textContent = '';
      if (!items.length) { out.textContent = 'No customer matches "' + q + '".'; return; }
      var table = el('table', {}, [el('thead', {}, [el('tr', {}, ['Id', 'Name', 'Email', 'Stripe', 'Active', 'Version', 'Last change from']
        .map(function (h) { return el('th', { text: h }); }))])]);
      var body = el('tbody');
      items.forEach(function (c) {
        var row = el('tr', { class: 'clickable', 'data-id': c.id }, [td(c.id), td(c.name), td(c.email), td(c.stripe_customer_id),
          td(c.is_active ? 'yes' : 'no'), td(c.version), td(c.origin)]);
        row.addEventListener('click', function () { timeline(c); });
        body.appendChild(row);
      });
      table.appendChild(body);
      out.appendChild(el('div', { class: 'scroll' }, [table]));
      if (items.length === 1) { timeline(items[0]); }
    }).catch(function (e) { out.textContent = 'Search failed: ' + e.message; });
  }

  function timeline(c) {
    return get('/admin/customers/' + c.id + '/timeline').then(function (env) {
      var box = $('#cu-timeline');
      box.textContent = '';
      box.hidden = false;
      box.appendChild(el('h3', { text: 'Timeline of customer ' + c.id + ' (' + c.email + ')' }));
      var list = el('ol', { class: 'timeline' });
      (env.data.entries || []).forEach(function (e) {
        list.appendChild(el('li', { class: 'kind-' + e.kind }, [el('time', { text: when(e.at) }), el('span', { class: 'tag', text: e.kind }),
          el('span', { text: e.summary })]));
      });
      if (!(env.data.entries || []).length) { list.appendChild(el('li', { text: 'nothing recorded' })); }
      box.appendChild(list);
    }).catch(function (e) { notify('Timeline: ' + e.message, true); });
  }

  // ---- navigation ----------------------------------------------------------------------------------------------

  var loaders = {
    overview: function () { refreshStatus(); refreshHistory(); },
    conflicts: function () { loadConflicts(); loadConflictStats(); },
    reconciliation: function () { loadReports(); },
    dlq: function () { loadDeadLetters(); },
    customer: function () {}
  };

  function show() {
    var tab = (location.hash || '#overview').slice(1);
    if (!loaders[tab]) { tab = 'overview'; }
    $$('.screen').forEach(function (s) { s.hidden = s.id !== tab; });
    $$('#tabs a').forEach(function (a) { a.classList.toggle('active', a.getAttribute('data-tab') === tab); });
    loaders[tab]();
  }

  $('#cf-filter').addEventListener('submit', function (e) { e.preventDefault(); cf.skip = 0; $('#cf-detail').hidden = true; loadConflicts(); });
  $('#cf-prev').addEventListener('click', function () { cf.skip = Math.max(0, cf.skip - cf.limit); loadConflicts(); });
  $('#cf-next').addEventListener('click', function () { cf.skip += cf.limit; loadConflicts(); });
  $('#cf-bulk-local').addEventListener('click', function () { bulkConflicts('accept_local'); });
  $('#cf-bulk-remote').addEventListener('click', function () { bulkConflicts('accept_remote'); });
  $('#rc-run').addEventListener('submit', startRun);
  $('#rc-filter').addEventListener('submit', function (e) { e.preventDefault(); rc.skip = 0; if (rc.report) { showReport(rc.report); } });
  $('#rc-prev').addEventListener('click', function () { rc.skip = Math.max(0, rc.skip - rc.limit); showReport(rc.report); });
  $('#rc-next').addEventListener('click', function () { rc.skip += rc.limit; showReport(rc.report); });
  $$('.rc-bulk').forEach(function (b) {
    b.addEventListener('click', function () {
      var ids = checkedIds($('#rc-mismatches'));
      var direction = b.getAttribute('data-direction');
      if (!ids.length) { notify('Select open mismatches first.', true); return; }
      act('Resolve ' + ids.length + ' mismatch(es) with direction ' + direction + '?', 'POST', '/admin/reconciliation/mismatches/resolve',
        { ids: ids, direction: direction }, function () { showReport(rc.report); }, bulkWords);
    });
  });
  $('#dl-filter').addEventListener('submit', function (e) { e.preventDefault(); dl.skip = 0; loadDeadLetters(); });
  $('#dl-prev').addEventListener('click', function () { dl.skip = Math.max(0, dl.skip - dl.limit); loadDeadLetters(); });
  $('#dl-next').addEventListener('click', function () { dl.skip += dl.limit; loadDeadLetters(); });
  $('#dl-bulk-replay').addEventListener('click', function () {
    var ids = checkedIds($('#dl-table'));
    if (!ids.length) { notify('Select open dead letters first.', true); return; }
    act('Replay ' + ids.length + ' dead letter(s)?', 'POST', '/admin/dlq/replay', { ids: ids }, function () { loadDeadLetters(); }, bulkWords);
  });
  $('#dl-class-replay').addEventListener('click', function () {
    var errorClass = $('#dl-filter input[name=error_class]').value.trim();
    if (!errorClass) { notify('Filter by an error class first (click one in the list).', true); return; }
    act('Replay every open dead letter with error class ' + errorClass + '?', 'POST', '/admin/dlq/replay', { error_class: errorClass },
      function () { loadDeadLetters(); }, bulkWords);
  });
  $('#cu-search').addEventListener('submit', search);
  window.addEventListener('hashchange', show);

  // the overview polls while it is shown; its history less often
  var polling = false;
  var visible = function () { return !$('#overview').hidden && !document.hidden; };
  setInterval(function () {
    if (visible() && !polling) {
      polling = true;
      refreshStatus().then(function () { polling = false; });
    }
  }, POLL_MS);
  setInterval(function () { if (visible()) { refreshHistory(); } }, HISTORY_MS);
  show();
}());
