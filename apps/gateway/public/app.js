// Dashboard, first page: log in, then the live alert list over Socket.IO (/live). No build step.
(function () {
  'use strict';

  var SEVERITY = {
    red: ['红色', 'I'],
    orange: ['橙色', 'II'],
    yellow: ['黄色', 'III'],
    blue: ['蓝色', 'IV'],
  };
  var RULES = {
    'truck.overspeed': '超速',
    'truck.restricted_zone': '闯入禁区',
    'truck.fatigue': '疲劳驾驶',
    'truck.offline': '车辆离线',
    'truck.moved_offline': '离线位移',
    'truck.sos': '紧急报警',
    'slope.displacement': '边坡位移',
    'gas.lel': '燃气浓度',
    'device.fault': '设备故障',
    'device.offline': '设备离线',
  };
  var LEVELS = { company: '企业', grid: '网格', community: '社区', street: '街道', district: '区' };
  var KEEP_CLOSED = 300;

  var $ = function (id) {
    return document.getElementById(id);
  };
  var alerts = new Map();
  var changedSinceConnect = new Set();
  var freshIds = new Set();
  var socket = null;
  var renderQueued = false;

  function token() {
    return sessionStorage.getItem('lg.token');
  }

  function user() {
    try {
      return JSON.parse(sessionStorage.getItem('lg.user') || 'null');
    } catch (e) {
      return null;
    }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function bilingual(node, zh, en) {
    node.textContent = zh + ' ';
    node.appendChild(el('small', '', en));
  }

  function time(iso) {
    if (!iso) return '';
    return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  }

  function isOpen(a) {
    return a.active || !a.acknowledged;
  }

  /** Keeps the newer copy of an alert; on a tie the acknowledged one. */
  function newer(a, b) {
    if (!b) return true;
    if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
    return a.acknowledged && !b.acknowledged;
  }

  function upsert(alert) {
    if (newer(alert, alerts.get(alert.id))) {
      alerts.set(alert.id, alert);
      freshIds.add(alert.id);
    }
  }

  function prune() {
    var closed = [];
    alerts.forEach(function (a) {
      if (!isOpen(a)) closed.push(a);
    });
    if (closed.length <= KEEP_CLOSED) return;
    closed.sort(function (x, y) {
      return x.updatedAt < y.updatedAt ? -1 : 1;
    });
    closed.slice(0, closed.length - KEEP_CLOSED).forEach(function (a) {
      alerts.delete(a.id);
    });
  }

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(function () {
      renderQueued = false;
      render();
    });
  }

  function render() {
    prune();
    var showClosed = $('show-closed').checked;
    var list = [];
    alerts.forEach(function (a) {
      if (showClosed || isOpen(a)) list.push(a);
    });
    list.sort(function (x, y) {
      if (x.openedAt !== y.openedAt) return x.openedAt < y.openedAt ? 1 : -1;
      return x.id < y.id ? -1 : 1;
    });
    var open = 0;
    alerts.forEach(function (a) {
      if (isOpen(a)) open++;
    });
    $('count').textContent = '未关闭 ' + open + ' open';
    $('empty').hidden = list.length > 0;
    var ol = $('alerts');
    var items = list.map(renderAlert);
    ol.replaceChildren.apply(ol, items);
    freshIds.clear();
  }

  function renderAlert(a) {
    var li = $('alert-template').content.firstElementChild.cloneNode(true);
    li.classList.add(SEVERITY[a.severity] ? a.severity : 'blue');
    li.dataset.id = a.id;
    if (!isOpen(a)) li.classList.add('closed');
    if (freshIds.has(a.id)) li.classList.add('fresh');
    var sev = SEVERITY[a.severity] || [a.severity, ''];
    var label = li.querySelector('.sev-label');
    label.textContent = sev[0];
    label.appendChild(el('small', '', a.severity + ' ' + sev[1]));
    var rule = li.querySelector('.rule');
    rule.textContent = RULES[a.rule] || a.rule;
    if (RULES[a.rule]) rule.appendChild(el('small', '', ' ' + a.rule));
    li.querySelector('.device').textContent = a.device;
    li.querySelector('.owner').textContent = a.owner;
    li.querySelector('.message').textContent = a.message;
    var state = li.querySelector('.state');
    state.classList.add(a.active ? 'active' : 'cleared');
    bilingual(state, a.active ? '持续中' : '已解除', a.active ? 'active' : 'cleared');
    var opened = li.querySelector('.opened');
    opened.dateTime = a.openedAt;
    opened.textContent = '发生 ' + time(a.openedAt);
    if (a.escalation) {
      li.querySelector('.escalation').textContent =
        '责任层级 ' +
        (LEVELS[a.escalation.level] || a.escalation.level) +
        (a.escalation.unit ? ' ' + a.escalation.unit : '');
    }
    var acked = li.querySelector('.acked');
    var form = li.querySelector('form.ack');
    if (a.acknowledged) {
      acked.textContent =
        '已确认 ' + (a.ackedBy || '') + ' ' + time(a.ackedAt) + (a.note ? ' · ' + a.note : '');
      form.hidden = true;
    } else {
      bilingual(acked, '未确认', 'not acknowledged');
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        acknowledge(a.id, form);
      });
    }
    return li;
  }

  function acknowledge(id, form) {
    if (!socket || !socket.connected) {
      form.querySelector('.ack-error').textContent = '未连接，请稍后 (offline)';
      return;
    }
    var note = form.elements.note.value.trim();
    var button = form.querySelector('button');
    button.disabled = true;
    var request = note ? { id: id, note: note } : { id: id };
    socket.timeout(10000).emit('alert:ack', request, function (err, res) {
      button.disabled = false;
      if (err || !res || !res.ok) {
        form.querySelector('.ack-error').textContent = '确认失败: ' + (err ? 'timeout' : res && res.error);
        return;
      }
      upsert(res.alert);
      scheduleRender();
    });
  }

  function setConnected(on) {
    var conn = $('conn');
    conn.className = 'conn ' + (on ? 'on' : 'off');
    bilingual(conn, on ? '实时' : '未连接', on ? 'live' : 'offline');
  }

  function connect() {
    /* global io */
    socket = io('/live', { auth: { token: token() } });
    socket.on('connect', function () {
      changedSinceConnect.clear();
      setConnected(true);
    });
    socket.on('disconnect', function () {
      setConnected(false);
    });
    socket.on('connect_error', function (err) {
      setConnected(false);
      if (err && err.message === 'unauthorized') logout('登录已过期，请重新登录 (session expired)');
    });
    // The open alerts on (re)connect: what changed meanwhile over `alert` is kept if newer.
    socket.on('alerts', function (list) {
      var previous = alerts;
      alerts = new Map();
      list.forEach(function (a) {
        alerts.set(a.id, a);
      });
      changedSinceConnect.forEach(function (id) {
        var mine = previous.get(id);
        if (mine && newer(mine, alerts.get(id))) alerts.set(id, mine);
      });
      previous.forEach(function (a, id) {
        if (!alerts.has(id) && !isOpen(a)) alerts.set(id, a);
      });
      scheduleRender();
    });
    socket.on('alert', function (a) {
      changedSinceConnect.add(a.id);
      upsert(a);
      scheduleRender();
    });
  }

  function showSession() {
    var u = user();
    $('login-view').hidden = true;
    $('alerts-view').hidden = false;
    $('session').hidden = false;
    $('who').textContent = u
      ? u.username + (u.company ? ' (' + u.company + ')' : ' (指挥中心 operator)')
      : '';
    connect();
  }

  function logout(message) {
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
    sessionStorage.removeItem('lg.token');
    sessionStorage.removeItem('lg.user');
    alerts = new Map();
    $('alerts').replaceChildren();
    $('session').hidden = true;
    $('alerts-view').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message || '';
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    var button = form.querySelector('button');
    button.disabled = true;
    $('login-error').textContent = '';
    fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: form.elements.username.value.trim(),
        password: form.elements.password.value,
      }),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.message ? body.message : 'HTTP ' + res.status);
          return body;
        });
      })
      .then(function (body) {
        sessionStorage.setItem('lg.token', body.token);
        sessionStorage.setItem('lg.user', JSON.stringify(body.user));
        form.elements.password.value = '';
        showSession();
      })
      .catch(function (err) {
        $('login-error').textContent = '登录失败 (login failed): ' + err.message;
      })
      .finally(function () {
        button.disabled = false;
      });
  });

  $('logout').addEventListener('click', function () {
    logout();
  });
  $('show-closed').addEventListener('change', scheduleRender);

  if (token()) showSession();
})();
