// The counter page (docs/counter-page.md). Plain script, no framework, no
// request to anywhere but the `loyalpos serve` that sent it. The server does
// all the reading and pricing (POST /v1/scan, POST /v1/quote): the page only
// keeps the basket (in localStorage, so it survives a reload) and shows it.
'use strict';
(function () {
  var T = {
    en: {sales: 'Sales', products: 'Products', search: 'Search or type a SKU', basket: 'Basket',
      empty: 'Scan or tap a product', subtotal: 'Subtotal', discount: 'Discount', total: 'Total',
      pay_cash: 'Pay cash', pay_card: 'Pay card', clear: 'Clear', all: 'All',
      signin: 'Sign in to this terminal', signin_go: 'Sign in',
      signin_help: "Paste the terminal's key (the file api-token in the loyalpos home folder).",
      card: 'Card', tier: 'Tier', ready: 'ready', redeem: 'Redeem', redeeming: 'Redeeming',
      no_card: 'Remove card', after: 'After this sale', offline: 'No connection to the terminal: retrying…',
      back: 'Connected again', receipt: 'Receipt', sale: 'Sale', new_basket: 'New basket',
      paid_cash: 'paid cash', paid_card: 'paid by card', printed: 'Receipt printed',
      pending: 'Receipt queued: the printer will get it', failed: 'Receipt not printed',
      reprint: 'Print again', no_printer: 'No printer configured',
      refund: 'Refund', refunded: 'refunded', confirm_refund: 'Refund sale', yes_refund: 'Yes, refund',
      cancel: 'Cancel', close: 'Close', recent: 'Recent sales', none: 'No sales yet',
      refund_done: 'Refunded', remove: 'Remove', more: 'One more', less: 'One less',
      card_attached: 'Card attached', not_sent: 'The sale was not recorded', paying: 'Paying…',
      wrong_key: 'That key is not right'},
    ru: {sales: 'Продажи', products: 'Товары', search: 'Поиск или артикул', basket: 'Корзина',
      empty: 'Отсканируйте или выберите товар', subtotal: 'Сумма', discount: 'Скидка', total: 'Итого',
      pay_cash: 'Наличные', pay_card: 'Картой', clear: 'Очистить', all: 'Все',
      signin: 'Вход в кассу', signin_go: 'Войти',
      signin_help: 'Вставьте ключ кассы (файл api-token в папке loyalpos).',
      card: 'Карта', tier: 'Уровень', ready: 'готово', redeem: 'Списать', redeeming: 'Списывается',
      no_card: 'Убрать карту', after: 'После этой покупки', offline: 'Нет связи с кассой: повторяем…',
      back: 'Связь восстановлена', receipt: 'Чек', sale: 'Продажа', new_basket: 'Новая корзина',
      paid_cash: 'наличными', paid_card: 'картой', printed: 'Чек напечатан',
      pending: 'Чек в очереди на печать', failed: 'Чек не напечатан',
      reprint: 'Напечатать ещё раз', no_printer: 'Принтер не настроен',
      refund: 'Возврат', refunded: 'возвращено', confirm_refund: 'Вернуть продажу', yes_refund: 'Да, вернуть',
      cancel: 'Отмена', close: 'Закрыть', recent: 'Последние продажи', none: 'Продаж ещё нет',
      refund_done: 'Возвращено', remove: 'Убрать', more: 'Ещё одну', less: 'На одну меньше',
      card_attached: 'Карта добавлена', not_sent: 'Продажа не записана', paying: 'Оплата…',
      wrong_key: 'Ключ не подходит'}
  };
  var SYMBOL = {RUB: '₽', EUR: '€', USD: '$', TRY: '₺'};
  var KEY = 'loyalpos.counter.basket';
  var $ = function (id) { return document.getElementById(id); };
  var C = window.__counter = {timings: {scan: [], pay: []}, stats: {payRequests: 0, quotes: 0},
    ready: false, online: true};
  var catalog = null;
  var lang = localStorage.getItem('loyalpos.counter.lang') || 'en';
  var category = '';
  var quote = null;       // the last answer of /v1/quote for the basket shown
  var cardInfo = null;    // the attached card, when the basket is empty
  var quoteSeq = 0;
  var pending = [];       // timings waiting for the next render: {kind, t0}
  var state = load();

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY));
      if (s && Array.isArray(s.items)) return s;
    } catch (e) { /* a broken entry: start empty */ }
    return {items: [], card: null, redeem: [], codes: [], key: null};
  }
  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }
  // Any change to the basket makes it another sale: a new Idempotency-Key.
  function changed() { state.key = null; save(); requote(); }
  function t(k) { return (T[lang] && T[lang][k]) || T.en[k] || k; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function money(minor) {
    var e = catalog ? catalog.currency.exponent : 2;
    var code = catalog ? catalog.currency.code : '';
    var v = (minor / Math.pow(10, e)).toFixed(e);
    return v + ' ' + (SYMBOL[code] || code);
  }
  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // ---- talking to serve -------------------------------------------------
  // Resolves {status, body}; a network failure rejects and starts reconnecting.
  function api(method, path, body, headers) {
    var opts = {method: method, headers: headers || {}, credentials: 'same-origin'};
    if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers['Content-Type'] = 'application/json';
    }
    return fetch(path, opts).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (r.status === 401 && path !== '/counter/session') showSignin();
        return {status: r.status, body: data, headers: r.headers};
      });
    }, function (err) { offline(); throw err; });
  }
  function errorText(r) {
    return r && r.body && r.body.error ? r.body.error.message : 'HTTP ' + (r ? r.status : '?');
  }
  var retryTimer = null;
  function offline() {
    if (!C.online) return;
    C.online = false;
    var c = $('conn'); c.className = 'conn'; c.textContent = t('offline'); c.hidden = false;
    retryTimer = setInterval(function () {
      fetch('/v1/health', {credentials: 'same-origin'}).then(function (r) {
        if (r.status !== 200 && r.status !== 401) return;
        clearInterval(retryTimer);
        C.online = true;
        c.className = 'conn ok'; c.textContent = t('back');
        setTimeout(function () { if (C.online) c.hidden = true; }, 3000);
        if (!catalog) boot(); else requote();
      }, function () { /* still away */ });
    }, 1000);
  }

  // ---- messages -----------------------------------------------------------
  var noticeTimer = null;
  function notice(text, info) {
    var n = $('notice');
    n.textContent = text; n.className = info ? 'notice info' : 'notice'; n.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { n.hidden = true; }, info ? 2500 : 6000);
  }

  // ---- products -----------------------------------------------------------
  function renderProducts() {
    var cats = [];
    catalog.products.forEach(function (p) { if (cats.indexOf(p.category) < 0) cats.push(p.category); });
    var h = '<button type="button" data-cat="" aria-pressed="' + (category === '') + '">' + esc(t('all')) + '</button>';
    cats.forEach(function (c) {
      h += '<button type="button" data-cat="' + esc(c) + '" aria-pressed="' + (category === c) + '">' + esc(c) + '</button>';
    });
    $('cats').innerHTML = h;
    var q = $('search').value.trim().toLowerCase();
    var g = '';
    catalog.products.forEach(function (p) {
      if (category && p.category !== category) return;
      if (q && p.name.toLowerCase().indexOf(q) < 0 && p.sku.toLowerCase().indexOf(q) < 0 && p.barcode.indexOf(q) < 0) return;
      g += '<button type="button" class="product" data-sku="' + esc(p.sku) + '"><span>' + esc(p.name) +
        '</span><span class="price">' + esc(money(p.price)) + '</span></button>';
    });
    $('grid').innerHTML = g;
  }
  function addItem(sku, qty) {
    var line = state.items.find(function (i) { return i.sku === sku; });
    if (line) line.qty = Math.min(999, line.qty + qty); else state.items.push({sku: sku, qty: qty});
    changed();
  }

  // ---- the basket -----------------------------------------------------------
  function requote() {
    var seq = ++quoteSeq;
    if (!state.items.length) {
      quote = null;
      if (!state.card) { cardInfo = null; return Promise.resolve(render()); }
      return api('GET', '/v1/cards/' + encodeURIComponent(state.card)).then(function (r) {
        if (seq !== quoteSeq) return;
        if (r.status === 200) cardInfo = r.body; else { notice(errorText(r)); state.card = null; save(); }
        render();
      }, function () { render(); });
    }
    var body = {items: state.items, redeem: state.redeem, codes: state.codes};
    if (state.card) body.card = state.card;
    C.stats.quotes++;
    return api('POST', '/v1/quote', body).then(function (r) {
      if (seq !== quoteSeq) return;
      if (r.status === 200) {
        quote = r.body;
      } else if (r.status !== 401) {
        notice(errorText(r));
        // What made the basket unpriceable goes (a redeem no longer possible, ...).
        if (state.redeem.length) state.redeem = []; else if (state.codes.length) state.codes = [];
        else state.items.pop();
        save();
        return requote();
      }
      render();
    }, function () { render(); });
  }

  function render() {
    var lines = quote ? quote.lines : [];
    var h = '';
    lines.forEach(function (l, i) {
      h += '<li data-sku="' + esc(l.sku) + '"><span class="name">' + esc(l.name) + '</span><span class="amount">' +
        esc(money(l.unit_price * l.qty)) + '</span>';
      if (l.discount) h += '<span class="disc">−' + esc(money(l.discount)) + ' · ' + esc(l.reason) + '</span>';
      h += '<span class="qty"><button type="button" data-act="less" data-i="' + i + '" aria-label="' + esc(t('less') + ': ' + l.name) + '">−</button>' +
        '<span>' + l.qty + '</span><button type="button" data-act="more" data-i="' + i + '" aria-label="' + esc(t('more') + ': ' + l.name) + '">+</button>' +
        '<button type="button" data-act="remove" data-i="' + i + '">' + esc(t('remove')) + '</button></span></li>';
    });
    $('lines').innerHTML = h;
    $('empty').hidden = lines.length > 0;
    $('subtotal').textContent = money(quote ? quote.subtotal : 0);
    $('discount').textContent = quote && quote.discount ? '−' + money(quote.discount) : money(0);
    $('total').textContent = money(quote ? quote.total : 0);
    renderCard();
    settled(pending);
    pending = [];
  }

  // Times from a scan's Enter (or a pay tap) to its result on the screen:
  // the DOM updated now, and the next frame painted with it.
  function settled(list) {
    if (!list.length) return;
    var now = performance.now();
    list.forEach(function (p) { C.timings[p.kind].push(now - p.t0); });
    requestAnimationFrame(function () {
      var frame = performance.now();
      list.forEach(function (p) { (C.timings[p.kind + 'Frame'] = C.timings[p.kind + 'Frame'] || []).push(frame - p.t0); });
    });
  }

  function renderCard() {
    var card = quote && quote.card ? quote.card : (state.card ? cardInfo : null);
    if (!card) { $('card').innerHTML = ''; return; }
    var h = '<div class="row"><strong>' + esc(t('card')) + '</strong> <code>…' + esc(card.token.slice(-6)) + '</code>';
    if (card.tier) h += ' <span>' + esc(t('tier')) + ': ' + esc(card.tier) + '</span>';
    h += '<span class="spacer"></span><button type="button" data-act="nocard">' + esc(t('no_card')) + '</button></div>';
    var modes = {};
    (catalog.programs || []).forEach(function (p) { modes[p.id] = p.mode; });
    card.programs.forEach(function (p) {
      h += '<div class="prog">' + esc(p.progress);
      if (p.rewards_available > 0) {
        h += ' · <strong>' + p.rewards_available + ' ' + esc(t('ready')) + '</strong>';
        if (modes[p.id] !== 'apply_now' && p.mode !== 'apply_now') {
          var on = state.redeem.indexOf(p.id) >= 0;
          h += ' <button type="button" data-act="redeem" data-program="' + esc(p.id) + '" aria-pressed="' + on + '">' +
            esc(on ? t('redeeming') : t('redeem')) + '</button>';
        }
      }
      h += '</div>';
    });
    if (quote && quote.messages && quote.messages.length) {
      var freebies = quote.lines.filter(function (l) { return l.discount; }).map(function (l) { return l.reason; });
      h += '<div class="after">' + esc(t('after')) + ': ' + esc(freebies.concat(quote.messages).join(' · ')) + '</div>';
    }
    $('card').innerHTML = h;
  }

  // ---- scans -----------------------------------------------------------
  function scan(line, t0) {
    return api('POST', '/v1/scan', {line: line}).then(function (r) {
      if (r.status !== 200) { notice(errorText(r)); return; }
      var s = r.body;
      if (s.kind === 'card') {
        if (state.card !== s.token) state.redeem = [];
        state.card = s.token; cardInfo = s.card;
        notice(t('card_attached'), true);
      } else if (s.kind === 'code') {
        if (state.codes.indexOf(s.code) < 0) state.codes.push(s.code);
      } else {
        var line = state.items.find(function (i) { return i.sku === s.product.sku; });
        if (line) line.qty = Math.min(999, line.qty + s.qty); else state.items.push({sku: s.product.sku, qty: s.qty});
      }
      pending.push({kind: 'scan', t0: t0});
      changed();
    }, function () { /* offline: said so */ });
  }
  var buffer = '';
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var el = e.target;
    if (el && el.tagName === 'INPUT') return;   // typing in the search box or the key
    if (!$('signin').hidden) return;
    // A scan while the receipt is up starts the next basket; other dialogs
    // (a refund to confirm) take no scans.
    if (!$('dialog').hidden && $('dialog').dataset.kind !== 'receipt') return;
    if (e.key === 'Enter') {
      if (!buffer) return;                      // Enter on a focused button presses it
      e.preventDefault();
      var line = buffer; buffer = '';
      var t0 = performance.now();
      if (!$('dialog').hidden) closeDialog();
      scan(line, t0);
    } else if (e.key === 'Escape') {
      buffer = '';
    } else if (e.key.length === 1 && !(e.key === ' ' && !buffer)) {
      buffer += e.key;
      if (buffer.length > 512) buffer = '';
      e.preventDefault();
    }
  });
  $('search').addEventListener('input', renderProducts);
  $('search').addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    var v = $('search').value.trim();
    if (!v) return;
    var t0 = performance.now();
    $('search').value = ''; renderProducts();
    scan(v, t0);
  });

  // ---- taps -----------------------------------------------------------
  document.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.sku && b.classList.contains('product')) return addItem(b.dataset.sku, 1);
    if (b.dataset.cat !== undefined) { category = b.dataset.cat; return renderProducts(); }
    var act = b.dataset.act;
    if (!act) return;
    var i = Number(b.dataset.i);
    var sku = quote && quote.lines[i] ? quote.lines[i].sku : null;
    var item = state.items.find(function (x) { return sku && x.sku.toUpperCase() === sku.toUpperCase(); });
    if (act === 'more' && item) { item.qty = Math.min(999, item.qty + 1); changed(); }
    if (act === 'less' && item) {
      if (item.qty > 1) item.qty--; else state.items.splice(state.items.indexOf(item), 1);
      changed();
    }
    if (act === 'remove' && item) { state.items.splice(state.items.indexOf(item), 1); changed(); }
    if (act === 'nocard') { state.card = null; state.redeem = []; cardInfo = null; changed(); }
    if (act === 'redeem') {
      var id = b.dataset.program, at = state.redeem.indexOf(id);
      if (at >= 0) state.redeem.splice(at, 1); else state.redeem.push(id);
      changed();
    }
  });
  $('clear').addEventListener('click', function () {
    state = {items: [], card: null, redeem: [], codes: [], key: null}; cardInfo = null; save(); requote();
  });
  $('pay-cash').addEventListener('click', function () { pay('cash'); });
  $('pay-card').addEventListener('click', function () { pay('card'); });

  // ---- paying -----------------------------------------------------------
  // One Idempotency-Key per basket: a second tap, or a retry after a lost
  // answer, sends the same key and the same body, and serve answers with the
  // first sale instead of ringing another.
  function pay(method) {
    if (!state.items.length) return;
    var t0 = performance.now();
    if (!state.key) { state.key = uuid(); save(); }
    var body = {items: state.items, payment: method, redeem: state.redeem, codes: state.codes};
    if (state.card) body.card = state.card;
    var key = state.key;
    document.body.setAttribute('aria-busy', 'true');
    C.stats.payRequests++;
    return api('POST', '/v1/sales', body, {'Idempotency-Key': key}).then(function (r) {
      document.body.removeAttribute('aria-busy');
      if (r.status !== 201 && r.status !== 200) { notice(t('not_sent') + ': ' + errorText(r)); return; }
      if (state.key === key) {
        state = {items: [], card: null, redeem: [], codes: [], key: null}; cardInfo = null; quote = null; save();
        render();
      }
      if (C.shownSale === r.body.sale_id) return;   // the replay of a double tap
      C.shownSale = r.body.sale_id;
      showReceipt(r.body);
      settled([{kind: 'pay', t0: t0}]);
    }, function () { document.body.removeAttribute('aria-busy'); notice(t('not_sent')); });
  }

  function showReceipt(s) {
    var h = '<div class="receipt" id="receipt" data-sale="' + s.sale_id + '">';
    s.lines.forEach(function (l) {
      h += esc(l.name) + (l.qty > 1 ? ' ×' + l.qty : '') + '  ' + esc(money(l.unit_price * l.qty)) + '\n';
      if (l.discount) h += '   −' + esc(money(l.discount)) + ' ' + esc(l.reason) + '\n';
    });
    h += '\n' + esc(t('total')) + '  <strong id="receipt-total">' + esc(money(s.total)) + '</strong>  (' +
      esc(t(s.payment === 'card' ? 'paid_card' : 'paid_cash')) + ')\n';
    (s.messages || []).forEach(function (m) { h += esc(m) + '\n'; });
    h += '</div>';
    var p = s.print;
    if (!p) h += '<p id="print-state">' + esc(t('no_printer')) + '</p>';
    else {
      h += '<p id="print-state" class="state-' + esc(p.state) + '">' + esc(t(p.state) || p.state);
      if (p.error) h += ': ' + esc(p.error);
      h += '</p>';
    }
    var buttons = [{label: t('new_basket'), primary: true}];
    if (p && p.state !== 'printed') {
      buttons.unshift({label: t('reprint'), id: 'reprint', keep: true, run: function () { reprint(s.sale_id); }});
    }
    dialog(t('sale') + ' ' + s.sale_id, h, buttons, 'receipt');
  }
  function reprint(id) {
    return api('POST', '/v1/sales/' + id + '/reprint').then(function (r) {
      var el = $('print-state');
      if (!el) return;
      if (r.status === 200) { el.className = 'state-printed'; el.textContent = t('printed'); }
      else { el.className = 'state-failed'; el.textContent = t('failed') + ': ' + errorText(r); }
    }, function () {});
  }

  // ---- refunds -----------------------------------------------------------
  function showSales() {
    api('GET', '/v1/sales?limit=10').then(function (r) {
      if (r.status !== 200) { notice(errorText(r)); return; }
      var h = r.body.sales.length ? '<table class="sales">' : '<p>' + esc(t('none')) + '</p>';
      r.body.sales.forEach(function (s) {
        var at = new Date(s.at * 1000);
        h += '<tr data-sale="' + s.sale_id + '"><td>#' + s.sale_id + '</td><td>' +
          esc(at.toLocaleTimeString(lang, {hour: '2-digit', minute: '2-digit'})) + '</td><td>' +
          esc(money(s.total)) + '</td><td>' + esc(t(s.payment === 'card' ? 'paid_card' : 'paid_cash')) + '</td><td>' +
          (s.complete ? esc(t('refunded')) : (s.refunded ? esc(t('refunded')) + ' ' + esc(money(s.refunded)) + ' ' : '') +
            '<button type="button" data-refund="' + s.sale_id + '" data-total="' + (s.total - s.refunded) + '">' + esc(t('refund')) + '</button>') +
          '</td></tr>';
      });
      if (r.body.sales.length) h += '</table>';
      dialog(t('recent'), h, [{label: t('close')}]);
    }, function () {});
  }
  function confirmRefund(id, amount) {
    dialog(t('confirm_refund') + ' #' + id + '?', '<p>' + esc(money(amount)) + '</p>', [
      {label: t('cancel')},
      {label: t('yes_refund'), primary: true, id: 'refund-yes', run: function () {
        return api('POST', '/v1/sales/' + id + '/refund').then(function (r) {
          if (r.status !== 200) { notice(errorText(r)); return; }
          notice(t('refund_done') + ': #' + id + ', ' + money(r.body.refunded), true);
          C.lastRefund = r.body;
          showSales();
        });
      }}]);
  }
  $('sales-open').addEventListener('click', showSales);
  $('dialog').addEventListener('click', function (e) {
    var b = e.target.closest('button[data-refund]');
    if (b) confirmRefund(Number(b.dataset.refund), Number(b.dataset.total));
  });

  // ---- dialogs -----------------------------------------------------------
  var lastFocus = null;
  function dialog(title, html, buttons, kind) {
    if ($('dialog').hidden) lastFocus = document.activeElement;
    $('dialog').dataset.kind = kind || '';
    $('dialog-h').textContent = title;
    $('dialog-body').innerHTML = html;
    var box = $('dialog-buttons');
    box.innerHTML = '';
    buttons.forEach(function (spec) {
      var b = document.createElement('button');
      b.type = 'button'; b.textContent = spec.label;
      if (spec.primary) b.className = 'primary';
      if (spec.id) b.id = spec.id;
      b.addEventListener('click', function () { if (!spec.keep) closeDialog(); if (spec.run) spec.run(); });
      box.appendChild(b);
    });
    $('dialog').hidden = false;
    (box.querySelector('.primary') || box.firstChild).focus();
  }
  function closeDialog() {
    $('dialog').hidden = true;
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !$('dialog').hidden) closeDialog();
  });

  // ---- language, sign-in, start -----------------------------------------
  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-t]').forEach(function (el) { el.textContent = t(el.dataset.t); });
    $('search').placeholder = t('search');
    $('lang').textContent = lang === 'ru' ? 'EN' : 'RU';
    if (catalog) { renderProducts(); render(); }
  }
  $('lang').addEventListener('click', function () {
    lang = lang === 'ru' ? 'en' : 'ru';
    localStorage.setItem('loyalpos.counter.lang', lang);
    applyLang();
  });
  function showSignin() {
    $('signin').hidden = false;
    $('signin-key').focus();
  }
  function signin(key) {
    return api('POST', '/counter/session', {key: key}).then(function (r) {
      if (r.status !== 200) { $('signin-error').textContent = t('wrong_key'); showSignin(); return false; }
      $('signin').hidden = true; $('signin-error').textContent = '';
      return true;
    });
  }
  $('signin-form').addEventListener('submit', function (e) {
    e.preventDefault();
    signin($('signin-key').value.trim()).then(function (ok) { $('signin-key').value = ''; if (ok) boot(); });
  });

  function boot() {
    return api('GET', '/v1/catalog').then(function (r) {
      if (r.status !== 200) return;
      catalog = r.body;
      if (!localStorage.getItem('loyalpos.counter.lang')) lang = catalog.language;
      $('store').textContent = catalog.store + ' · ' + catalog.terminal;
      applyLang();
      return requote();
    }).then(function () { C.ready = true; }, function () { /* offline: retrying */ });
  }
  applyLang();
  // Opened as /#key=TOKEN: sign in, and drop the key from the address.
  var m = /^#key=([0-9A-Za-z]+)$/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname);
    signin(m[1]).then(boot);
  } else {
    boot();
  }
})();
