// k8s-audit HTML report: filters, search and copy buttons. Progressive
// enhancement only: without JavaScript the report shows everything and these
// controls stay hidden. Reads data through DOM APIs (textContent, dataset),
// never builds markup from strings, and makes no network request.
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

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) fn(list[i], i);
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

  // --- filters --------------------------------------------------------------
  var bar = document.getElementById('filters');
  var controls = document.querySelectorAll('#findings article.control');
  var rows = document.querySelectorAll('#findings tbody.finding');
  if (bar && rows.length) {
    var q = document.getElementById('f-search');
    var sev = document.getElementById('f-severity');
    var area = document.getElementById('f-area');
    var ns = document.getElementById('f-namespace');
    var st = document.getElementById('f-status');
    var out = document.getElementById('f-count');
    fill(sev, facets.severities);
    fill(area, facets.areas);
    fill(ns, facets.namespaces, function (v) {
      return v === '' ? '(cluster-scoped)' : v;
    });
    fill(st, facets.statuses);
    var texts = [];
    each(rows, function (r, i) {
      var ctl = r.closest('article.control');
      texts[i] = ((ctl ? ctl.getAttribute('data-search') || '' : '') + ' ' + r.textContent).toLowerCase();
    });
    var total = rows.length;
    var apply = function () {
      var term = (q.value || '').trim().toLowerCase();
      var words = term ? term.split(/\s+/) : [];
      var shown = 0;
      var visibleIn = new Map();
      each(rows, function (r, i) {
        var ok =
          (!sev.value || r.getAttribute('data-severity') === sev.value) &&
          (!area.value || r.getAttribute('data-area') === area.value) &&
          (ns.value === '__all' || r.getAttribute('data-namespace') === ns.value) &&
          (!st.value || r.getAttribute('data-status') === st.value);
        if (ok && words.length) {
          for (var w = 0; w < words.length; w++) {
            if (texts[i].indexOf(words[w]) < 0) {
              ok = false;
              break;
            }
          }
        }
        r.hidden = !ok;
        if (ok) {
          shown++;
          var c = r.closest('article.control');
          visibleIn.set(c, (visibleIn.get(c) || 0) + 1);
        }
      });
      var filtering = Boolean(term || sev.value || area.value || ns.value !== '__all' || st.value);
      each(controls, function (c) {
        var n = visibleIn.get(c) || 0;
        c.hidden = n === 0;
        var badge = c.querySelector('.shown');
        if (badge) badge.textContent = filtering ? n + ' shown' : '';
        if (filtering && n > 0) {
          var d = c.querySelector('details');
          if (d) d.open = true;
        }
      });
      var none = document.getElementById('f-none');
      if (none) none.hidden = shown !== 0;
      out.textContent = shown === total ? total + ' findings' : shown + ' of ' + total + ' findings';
    };
    each([q, sev, area, ns, st], function (el) {
      el.addEventListener(el === q ? 'input' : 'change', apply);
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
    apply();
  }

  // --- copy buttons -----------------------------------------------------------
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
    b.addEventListener('click', function () {
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
