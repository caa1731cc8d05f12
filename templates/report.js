// k8s-audit HTML report: filters, search, paging and copy buttons.
// Progressive enhancement only: without JavaScript the report still shows its
// findings and these controls stay hidden. Cluster text is only ever placed
// with textContent or as an attribute value (never parsed as markup), and the
// script makes no network request.
(function () {
  'use strict';
  var dataEl = document.getElementById('report-data');
  var data = {};
  try {
    data = JSON.parse(dataEl ? dataEl.textContent : '{}') || {};
  } catch (e) {
    data = {};
  }
  var facets = data.facets || {};
  var PAGE = 100;

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) fn(list[i], i);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== '') e.textContent = text;
    return e;
  }
  function fill(select, values, label) {
    if (!select) return;
    each(values || [], function (v) {
      var o = document.createElement('option');
      o.value = v;
      o.textContent = label ? label(v) : v;
      select.appendChild(o);
    });
  }

  // --- one finding as markup (large reports page their rows in from the data) ---
  // Row: [anchor, status, namespace, subject, path, container, message, observed, expected, remediation, waiverOwner, waiverExpires, ownSeverity, change]
  function severityOf(control, r) {
    return r[12] || control.getAttribute('data-severity') || '';
  }
  function findingBody(control, r) {
    var tb = el('tbody', 'finding');
    tb.id = r[0];
    tb.setAttribute('data-severity', severityOf(control, r));
    tb.setAttribute('data-area', control.getAttribute('data-area') || '');
    tb.setAttribute('data-namespace', r[2]);
    tb.setAttribute('data-status', r[1]);
    var tr = el('tr');
    tr.appendChild(el('td', '', r[3]));
    var field = el('td');
    if (r[4]) field.appendChild(el('code', '', r[4]));
    if (r[5]) {
      field.appendChild(el('br'));
      field.appendChild(el('span', 'muted small', 'container'));
      field.appendChild(document.createTextNode(' '));
      field.appendChild(el('code', '', r[5]));
    }
    tr.appendChild(field);
    tr.appendChild(el('td', '', r[6]));
    var obs = el('td');
    if (r[7]) obs.appendChild(el('code', '', r[7]));
    tr.appendChild(obs);
    var exp = el('td');
    if (r[8]) exp.appendChild(el('code', '', r[8]));
    tr.appendChild(exp);
    var st = el('td');
    st.appendChild(el('span', 'st st-' + r[1], r[1]));
    if (r[12]) {
      st.appendChild(document.createTextNode(' '));
      st.appendChild(el('span', 'sev sev-' + r[12], r[12]));
    }
    if (r[13] === 'new') {
      st.appendChild(document.createTextNode(' '));
      st.appendChild(el('span', 'tag tag-new', 'new'));
    }
    if (r[10]) st.appendChild(el('div', 'waiver', 'by ' + r[10] + (r[11] ? ', until ' + r[11] : '')));
    tr.appendChild(st);
    tb.appendChild(tr);
    if (r[9]) {
      var fix = el('tr', 'fix-row');
      var td = el('td');
      td.colSpan = 6;
      var d = el('details', 'fix');
      d.appendChild(el('summary', '', 'Remediation'));
      var wrap = el('div', 'snippet-wrap');
      wrap.appendChild(el('pre', 'snippet', r[9]));
      var b = el('button', 'copy', 'Copy');
      b.type = 'button';
      wrap.appendChild(b);
      d.appendChild(wrap);
      td.appendChild(d);
      fix.appendChild(td);
      tb.appendChild(fix);
    }
    return tb;
  }

  // --- filters and search ---------------------------------------------------------
  var bar = document.getElementById('filters');
  var controls = document.querySelectorAll('#findings article.control');
  var q = document.getElementById('f-search');
  var sev = document.getElementById('f-severity');
  var area = document.getElementById('f-area');
  var ns = document.getElementById('f-namespace');
  var st = document.getElementById('f-status');
  var out = document.getElementById('f-count');
  var none = document.getElementById('f-none');
  var total = data.findingCount || 0;

  function criteria() {
    var term = (q.value || '').trim().toLowerCase();
    return {
      words: term ? term.split(/\s+/) : [],
      sev: sev.value,
      area: area.value,
      ns: ns.value,
      st: st.value,
      active: Boolean(term || sev.value || area.value || ns.value !== '__all' || st.value),
    };
  }
  function hasWords(text, words) {
    for (var w = 0; w < words.length; w++) if (text.indexOf(words[w]) < 0) return false;
    return true;
  }
  var printed = document.getElementById('f-print');
  function report(shown, c) {
    if (none) none.hidden = shown !== 0;
    out.textContent = shown === total && !c.active ? total + ' findings' : shown + ' of ' + total + ' findings';
    // The filter bar is not printed: a printout made with filters on says which, and what it leaves out.
    if (!printed) return;
    printed.hidden = !c.active;
    if (!c.active) return;
    var what = [];
    var term = (q.value || '').trim();
    if (term) what.push('search "' + term + '"');
    if (c.sev) what.push('severity ' + c.sev);
    if (c.area) what.push('area ' + c.area);
    if (c.ns !== '__all') what.push('namespace ' + (c.ns === '' ? '(cluster-scoped)' : c.ns));
    if (c.st) what.push('status ' + c.st);
    printed.textContent =
      'Filtered by ' + what.join(', ') + ': this printout shows ' + shown + ' of the ' + total + ' findings; the other ' + (total - shown) + ' are not printed.';
  }

  // Small reports: every finding is in the markup; filtering shows and hides it.
  function domMode() {
    var rows = document.querySelectorAll('#findings tbody.finding');
    var texts = [];
    each(rows, function (r, i) {
      var ctl = r.closest('article.control');
      texts[i] = ((ctl ? ctl.getAttribute('data-search') || '' : '') + ' ' + r.textContent).toLowerCase();
    });
    return function apply() {
      var c = criteria();
      var shown = 0;
      var visibleIn = new Map();
      each(rows, function (r, i) {
        var ok =
          (!c.sev || r.getAttribute('data-severity') === c.sev) &&
          (!c.area || r.getAttribute('data-area') === c.area) &&
          (c.ns === '__all' || r.getAttribute('data-namespace') === c.ns) &&
          (!c.st || r.getAttribute('data-status') === c.st) &&
          (c.words.length === 0 || hasWords(texts[i], c.words));
        r.hidden = !ok;
        if (ok) {
          shown++;
          var ctl = r.closest('article.control');
          visibleIn.set(ctl, (visibleIn.get(ctl) || 0) + 1);
        }
      });
      each(controls, function (ctl) {
        var n = visibleIn.get(ctl) || 0;
        ctl.hidden = n === 0;
        var badge = ctl.querySelector('.shown');
        if (badge) badge.textContent = c.active ? n + ' shown' : '';
        if (c.active && n > 0) ctl.querySelector('details').open = true;
      });
      report(shown, c);
    };
  }

  // Large reports: findings live in data.rows; each control shows a page of its matches.
  function dataMode() {
    var state = [];
    each(controls, function (ctl) {
      var rows = (data.rows && data.rows[ctl.getAttribute('data-id')]) || [];
      var search = (ctl.getAttribute('data-search') || '').toLowerCase();
      var table = ctl.querySelector('table.findings');
      var more = el('button', 'more-button');
      more.type = 'button';
      more.hidden = true;
      var holder = ctl.querySelector('.more-rows');
      if (!holder) {
        holder = el('p', 'more-rows');
        table.parentNode.parentNode.appendChild(holder);
      }
      var note = holder.querySelector('.more-note');
      if (note) note.hidden = true;
      holder.appendChild(more);
      // What a printout of this control leaves out: the "Show more" button is not printed, so without this line a
      // PDF would end the control's table after the rows paged in, with nothing saying that more exist.
      var printNote = el('span', 'print-note');
      printNote.hidden = true;
      holder.appendChild(printNote);
      var s = { ctl: ctl, rows: rows, search: search, table: table, more: more, printNote: printNote, matches: rows, shown: Math.min(rows.length, data.staticRows || 0), texts: [] };
      more.addEventListener('click', function () {
        render(s, s.shown + PAGE);
      });
      state.push(s);
      updateMore(s);
    });
    function text(s, i) {
      if (s.texts[i] === undefined) s.texts[i] = (s.search + ' ' + s.rows[i].slice(2).join(' ')).toLowerCase();
      return s.texts[i];
    }
    function updateMore(s) {
      var left = s.matches.length - s.shown;
      s.more.hidden = left <= 0;
      s.more.textContent = 'Show ' + Math.min(left, PAGE) + ' more (' + left + ' not shown)';
      s.printNote.hidden = left <= 0;
      s.printNote.textContent =
        'This printout shows the first ' + s.shown + ' of the ' + s.matches.length + ' findings of this control' + (s.matches.length < s.rows.length ? ' that match the filters' : '') +
        '; the other ' + left + ' are not printed (show them before printing, or see the Markdown report or scan.json).';
    }
    function render(s, count) {
      each(s.table.querySelectorAll('tbody.finding'), function (tb) {
        tb.parentNode.removeChild(tb);
      });
      var n = Math.min(count, s.matches.length);
      var frag = document.createDocumentFragment();
      for (var i = 0; i < n; i++) frag.appendChild(findingBody(s.ctl, s.matches[i]));
      s.table.appendChild(frag);
      s.shown = n;
      updateMore(s);
    }
    return function apply() {
      var c = criteria();
      var shown = 0;
      each(state, function (s) {
        var ctlOk = !c.area || s.ctl.getAttribute('data-area') === c.area;
        var matches = [];
        if (ctlOk) {
          for (var i = 0; i < s.rows.length; i++) {
            var r = s.rows[i];
            if ((!c.sev || severityOf(s.ctl, r) === c.sev) && (c.ns === '__all' || r[2] === c.ns) && (!c.st || r[1] === c.st) && (c.words.length === 0 || hasWords(text(s, i), c.words))) matches.push(r);
          }
        }
        s.matches = matches;
        shown += matches.length;
        s.ctl.hidden = matches.length === 0;
        var badge = s.ctl.querySelector('.shown');
        if (badge) badge.textContent = c.active ? matches.length + ' shown' : '';
        render(s, c.active ? PAGE : Math.max(PAGE, s.shown));
        if (c.active && matches.length) s.ctl.querySelector('details').open = true;
      });
      report(shown, c);
    };
  }

  function startFilters() {
    if (!bar || !controls.length) return;
    fill(sev, facets.severities);
    fill(area, facets.areas);
    fill(ns, facets.namespaces, function (v) {
      return v === '' ? '(cluster-scoped)' : v;
    });
    fill(st, facets.statuses);
    var apply = data.rows ? dataMode() : domMode();
    var timer = 0;
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(apply, data.rows ? 150 : 0);
    };
    q.addEventListener('input', later);
    each([sev, area, ns, st], function (e) {
      e.addEventListener('change', apply);
    });
    bar.addEventListener('submit', function (e) {
      e.preventDefault();
    });
    document.getElementById('f-reset').addEventListener('click', function () {
      q.value = '';
      sev.value = '';
      area.value = '';
      ns.value = '__all';
      st.value = '';
      apply();
    });
    bar.hidden = false;
    report(total, criteria());
    // Namespace and area tables: a name link filters the findings to it.
    document.addEventListener('click', function (e) {
      var a = e.target && e.target.closest ? e.target.closest('a[data-filter]') : null;
      if (!a) return;
      var select = document.getElementById(a.getAttribute('data-filter'));
      var value = a.getAttribute('data-value');
      if (!select) return;
      var known = false;
      each(select.options, function (o) {
        if (o.value === value) known = true;
      });
      if (!known) return; // nothing failing there: just follow the link
      q.value = '';
      sev.value = '';
      area.value = '';
      ns.value = '__all';
      st.value = '';
      select.value = value;
      apply();
    });
  }

  // Large reports carry their finding rows gzipped, as base64 in a data block: unpacked here, the
  // filters start once they are in. A browser that cannot unpack them keeps the static rows and
  // no filters, as without JavaScript.
  // While they unpack (seconds, for hundreds of thousands of findings), a line says so; if they
  // cannot be, it says that instead.
  function unpack(text, status, done) {
    var failed = function () {
      if (status) status.textContent = 'This browser could not unpack the findings for searching and filtering: each control shows its first ' + (data.staticRows || 0) + ' (all of them are in the Markdown report and in scan.json).';
    };
    if (typeof DecompressionStream !== 'function' || typeof Response !== 'function' || typeof Blob !== 'function') return failed();
    var bytes;
    try {
      var bin = atob(text);
      bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    } catch (e) {
      return failed();
    }
    if (status) status.textContent = 'Loading ' + total + ' findings for searching and filtering…';
    new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')))
      .text()
      .then(function (t) {
        return JSON.parse(t);
      })
      .then(function (rows) {
        if (status) status.hidden = true;
        done(rows);
      }, failed);
  }
  var packed = document.getElementById('report-rows');
  var unpacking = document.getElementById('f-unpack');
  if (unpacking) unpacking.hidden = false;
  if (!packed) startFilters();
  else
    unpack(packed.textContent, unpacking, function (rows) {
      data.rows = rows;
      startFilters();
    });

  // --- copy buttons (delegated: rows paged in later get them too) -------------------
  function copyText(text, done) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        fallback(text, done);
      });
    } else {
      fallback(text, done);
    }
  }
  function fallback(text, done) {
    var ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    try {
      document.execCommand('copy');
    } catch (e) {
      /* nothing more to try */
    }
    document.body.removeChild(ta);
    done();
  }
  each(document.querySelectorAll('button.copy'), function (b) {
    b.hidden = false;
  });
  document.addEventListener('click', function (e) {
    var b = e.target && e.target.closest ? e.target.closest('button.copy') : null;
    if (!b) return;
    var pre = b.parentNode.querySelector('pre');
    if (!pre) return;
    copyText(pre.textContent, function () {
      b.textContent = 'Copied';
      b.classList.add('copied');
      setTimeout(function () {
        b.textContent = 'Copy';
        b.classList.remove('copied');
      }, 1600);
    });
  });

  // --- printing: open every section, then restore -------------------------------
  var reopened = [];
  window.addEventListener('beforeprint', function () {
    each(document.querySelectorAll('details:not([open])'), function (d) {
      d.open = true;
      reopened.push(d);
    });
  });
  window.addEventListener('afterprint', function () {
    each(reopened, function (d) {
      d.open = false;
    });
    reopened = [];
  });
})();
