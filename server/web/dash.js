/*
 * dash.js — Keep's admin dashboard: the world map as SVG (laid out from
 * the exits' directions, one block per area), who is online, the audit,
 * the store's counters (GET /api/live every 1.5 s) and the committed
 * events (GET /events, server-sent events; each one also refreshes the
 * live data at once).  No framework, no build step, nothing fetched from
 * elsewhere.
 */
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const CELL_W = 170, CELL_H = 86, BOX_W = 150, BOX_H = 62;
const STEP = {
	north: [0, -1], south: [0, 1], east: [1, 0], west: [-1, 0],
	up: [1, -1], down: [-1, 1]
};
let rooms = new Map();		/* id → {id, area, title, x, y, g} */
let mapData = null;

/* An SVG element with attributes. */
function svg(tag, attrs, text) {
	const e = document.createElementNS(SVGNS, tag);
	for (const k in attrs)
		e.setAttribute(k, attrs[k]);
	if (text !== undefined)
		e.textContent = text;
	return e;
}

/* Leave 401s to the sign-in page. */
async function getJSON(url) {
	const r = await fetch(url, { credentials: "same-origin" });
	if (r.status === 401) {
		window.location = "/login";
		throw new Error("signed out");
	}
	if (!r.ok)
		throw new Error(url + ": " + r.status);
	return r.json();
}

/* Grid positions for one area's rooms: breadth first along the exits,
 * each step in its direction; a taken cell moves to the nearest free one. */
function layoutArea(ids, exitsFrom) {
	const pos = new Map(), taken = new Set();
	const key = (x, y) => x + "," + y;
	const free = (x, y) => {
		for (let r = 0; r < 50; r++)
			for (let dx = -r; dx <= r; dx++)
				for (let dy = -r; dy <= r; dy++) {
					if (Math.max(Math.abs(dx), Math.abs(dy)) !== r)
						continue;
					if (!taken.has(key(x + dx, y + dy)))
						return [x + dx, y + dy];
				}
		return [x, y];
	};
	const place = (id, x, y) => {
		const [fx, fy] = free(x, y);
		pos.set(id, [fx, fy]);
		taken.add(key(fx, fy));
	};
	for (const root of ids) {
		if (pos.has(root))
			continue;
		let maxX = -1;
		for (const [x] of pos.values())
			maxX = Math.max(maxX, x);
		place(root, maxX + 2, 0);
		const queue = [root];
		while (queue.length) {
			const id = queue.shift();
			const [x, y] = pos.get(id);
			for (const ex of exitsFrom.get(id) || []) {
				if (pos.has(ex.to) || !ids.includes(ex.to))
					continue;
				const d = STEP[ex.dir] || [1, 1];
				place(ex.to, x + d[0], y + d[1]);
				queue.push(ex.to);
			}
		}
	}
	let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
	for (const [x, y] of pos.values()) {
		minX = Math.min(minX, x); minY = Math.min(minY, y);
		maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
	}
	for (const [id, [x, y]] of pos)
		pos.set(id, [x - minX, y - minY]);
	return { pos, w: maxX - minX + 1, h: maxY - minY + 1 };
}

/* Draw the whole map from /api/map. */
function drawMap(data) {
	mapData = data;
	const byArea = new Map(), exitsFrom = new Map();
	for (const r of data.rooms) {
		if (!byArea.has(r.area))
			byArea.set(r.area, []);
		byArea.get(r.area).push(r);
	}
	for (const e of data.exits) {
		if (!exitsFrom.has(e.from))
			exitsFrom.set(e.from, []);
		exitsFrom.get(e.from).push(e);
	}
	const names = new Map(data.areas.map(a => [a.id, a.name]));
	const root = svg("svg", { id: "worldmap" });
	const edges = svg("g", { class: "exits" });
	const boxes = svg("g", { class: "rooms" });
	root.appendChild(edges);
	root.appendChild(boxes);
	rooms = new Map();
	let ox = 10, oy = 10, rowH = 0, width = 0;
	const maxW = 1400;
	for (const [area, list] of byArea) {
		list.sort((a, b) => (b.start - a.start) || (a.id - b.id));
		const lay = layoutArea(list.map(r => r.id), exitsFrom);
		const w = lay.w * CELL_W, h = lay.h * CELL_H + 24;
		if (ox > 10 && ox + w > maxW) {
			ox = 10; oy += rowH + 20; rowH = 0;
		}
		boxes.appendChild(svg("text", { class: "area-label", x: ox,
		    y: oy + 14 }, names.get(area) || area));
		for (const r of list) {
			const [gx, gy] = lay.pos.get(r.id);
			const x = ox + gx * CELL_W, y = oy + 24 + gy * CELL_H;
			const g = svg("g", { class: "room" + (r.start ? " start" : ""),
			    id: "room-" + r.id, "data-room": r.id,
			    "data-players": "", "data-npcs": "0" });
			g.appendChild(svg("title", {}, r.title + " (" + r.id + ")"));
			g.appendChild(svg("rect", { x, y, width: BOX_W,
			    height: BOX_H, rx: 4 }));
			g.appendChild(svg("text", { class: "title", x: x + 6,
			    y: y + 15 }, r.title.length > 24 ?
			    r.title.slice(0, 23) + "…" : r.title));
			const count = svg("text", { class: "count", x: x + 6,
			    y: y + 32 }, "");
			const who = svg("text", { class: "names", x: x + 6,
			    y: y + 50 }, "");
			g.appendChild(count);
			g.appendChild(who);
			boxes.appendChild(g);
			rooms.set(r.id, { ...r, x, y, g, count, who });
		}
		ox += w + 30;
		rowH = Math.max(rowH, h);
		width = Math.max(width, ox);
	}
	for (const e of data.exits) {
		const a = rooms.get(e.from), b = rooms.get(e.to);
		if (a && b && a.area !== b.area) {
			/* To another area: a stub that way, named. */
			const d = STEP[e.dir] || [1, 1];
			const cx = a.x + BOX_W / 2 + d[0] * (BOX_W / 2 + 8);
			const cy = a.y + BOX_H / 2 + d[1] * (BOX_H / 2 + 8);
			edges.appendChild(svg("line", { class: "exit out",
			    x1: a.x + BOX_W / 2 + d[0] * BOX_W / 2,
			    y1: a.y + BOX_H / 2 + d[1] * BOX_H / 2,
			    x2: cx, y2: cy }));
			boxes.appendChild(svg("text", { class: "exit-label",
			    x: cx + 3, y: cy + (d[1] < 0 ? -2 : 10) },
			    "→ " + (names.get(b.area) || b.area)));
			continue;
		}
		if (!a || !b || e.from > e.to &&
		    (exitsFrom.get(e.to) || []).some(x => x.to === e.from))
			continue;
		edges.appendChild(svg("line", {
		    class: "exit" + (e.dir === "up" || e.dir === "down" ?
		    " vertical" : ""),
		    x1: a.x + BOX_W / 2, y1: a.y + BOX_H / 2,
		    x2: b.x + BOX_W / 2, y2: b.y + BOX_H / 2 }));
	}
	root.setAttribute("width", width);
	root.setAttribute("height", oy + rowH + 10);
	const box = document.getElementById("map");
	box.replaceChildren(root);
	document.getElementById("map-summary").textContent = "(" +
	    data.areas.length + " areas, " + data.rooms.length + " rooms, " +
	    data.exits.length + " exits)";
}

/* A table row of cells (text only). */
function row(cells) {
	const tr = document.createElement("tr");
	for (const c of cells) {
		const td = document.createElement("td");
		td.textContent = c;
		tr.appendChild(td);
	}
	return tr;
}

/* Seconds as "4s", "3m", "2h". */
function ago(s) {
	if (s < 60) return s + "s";
	if (s < 3600) return Math.floor(s / 60) + "m";
	return Math.floor(s / 3600) + "h";
}

/* Put who is where on the map and fill the tables from /api/live. */
function showLive(live) {
	const w = live.world, here = new Map();
	for (const p of w.online) {
		if (!here.has(p.room))
			here.set(p.room, []);
		here.get(p.room).push(p.name);
	}
	for (const [id, r] of rooms) {
		const names = here.get(id) || [], npcs = w.npcs[id] || 0;
		const parts = [];
		if (names.length)
			parts.push(names.length + (names.length > 1 ? " players" :
			    " player"));
		if (npcs)
			parts.push(npcs + (npcs > 1 ? " NPCs" : " NPC"));
		r.count.textContent = parts.join(" · ");
		const list = names.join(", ");
		r.who.textContent = list.length > 26 ? list.slice(0, 25) + "…" :
		    list;
		r.g.setAttribute("data-players", names.join(","));
		r.g.setAttribute("data-npcs", String(npcs));
		r.g.classList.toggle("players", names.length > 0);
	}
	const tb = document.querySelector("#online tbody");
	tb.replaceChildren(...w.online.map(p => {
		const r = rooms.get(p.room);
		const tr = row([p.name, r ? r.title + " (" + p.room + ")" :
		    String(p.room), ago(p.idle), p.addr || "-",
		    (p.host || "?") + ":" + (p.pid || "?")]);
		tr.setAttribute("data-name", p.name);
		return tr;
	}));
	document.getElementById("online-count").textContent =
	    "(" + w.online.length + ", " + w.instances.length + " keepd)";
	document.querySelector("#audit tbody").replaceChildren(
	    ...w.audit.map(a => row([a.at, a.actor + (a.role ? " (" + a.role +
	    ")" : ""), a.action, a.command.length > 80 ?
	    a.command.slice(0, 79) + "…" : a.command])));
	const s = live.stats;
	const top = s.statements.slice().sort((a, b) => b.calls - a.calls)
	    .slice(0, 8);
	const st = document.getElementById("stats");
	const p = document.createElement("p");
	p.textContent = "transactions " + s.committed + " committed, " +
	    s.rolled_back + " rolled back, " + s.failed + " failed; " +
	    s.retries + " retries; " + s.round_trips + " round trips; faults " +
	    s.out_of_reach + " out of reach, " + s.lost_at_commit +
	    " lost at COMMIT, " + s.in_doubt + " in doubt";
	const t = document.createElement("table");
	t.appendChild(row(["statement", "calls", "errors", "rows", "avg µs"]));
	for (const x of top)
		t.appendChild(row([x.name, x.calls, x.errors, x.rows, x.avg_us]));
	st.replaceChildren(p, t);
}

let liveBusy = false, liveAgain = false;

/* Fetch /api/live (one at a time; a request made meanwhile runs after). */
async function refresh() {
	if (liveBusy) {
		liveAgain = true;
		return;
	}
	liveBusy = true;
	try {
		if (mapData === null)
			drawMap(await getJSON("/api/map"));
		showLive(await getJSON("/api/live"));
	} catch (e) {
		setStatus("down", "cannot reach keepd");
	} finally {
		liveBusy = false;
		if (liveAgain) {
			liveAgain = false;
			refresh();
		}
	}
}

/* The header's connection status. */
function setStatus(cls, text) {
	const s = document.getElementById("status");
	s.className = "status " + cls;
	s.textContent = text;
}

/* One committed event at the top of the list (at most 200 kept). */
function addEvent(ev) {
	const ul = document.getElementById("events");
	const li = document.createElement("li");
	const t = document.createElement("span");
	const k = document.createElement("span");
	t.className = "t";
	t.textContent = new Date().toLocaleTimeString();
	k.className = "k";
	k.textContent = ev.channel || ev.kind;
	li.append(t, k, document.createTextNode(ev.text.trim()));
	li.setAttribute("data-kind", ev.kind);
	ul.prepend(li);
	while (ul.children.length > 200)
		ul.lastChild.remove();
}

/* The event stream; EventSource reconnects by itself. */
function listen() {
	const es = new EventSource("/events");
	es.onopen = () => setStatus("live", "live");
	es.onerror = () => setStatus("down", "event stream reconnecting…");
	es.onmessage = m => {
		addEvent(JSON.parse(m.data));
		refresh();
	};
	es.addEventListener("signedout", () => {
		es.close();
		window.location = "/login";
	});
}

refresh();
setInterval(refresh, 1500);
setInterval(() => { mapData = null; }, 60000);
listen();
