// A small Amazon-to-Magento order connector in JavaScript, served over the asc-driver HTTP protocol.
//
// Node's standard library only (node:http and the built-in fetch), and nothing of the conformance
// kit: only the protocol in docs/driver-protocol.md. It reads Amazon orders (SP-API Orders v0), keeps
// an Amazon orders table, and creates a Magento order (REST POST /V1/orders) for each order that is
// due. What it leaves out, it declares through `capabilities`.
//
//     node docs/example_connector_js/connector.mjs --port 8765
//     asc-conformance run --impl http://127.0.0.1:8765
//
// A session's maps stand for the connector's database: a `restart` keeps them and drops only the
// cached access tokens.

import http from "node:http";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

const IMPORTABLE = new Set(["Unshipped", "PartiallyShipped", "Shipped"]);
const SELLER_CENTRAL = "https://sellercentral.amazon.com/orders-v3/order/";
const TIMEOUT_MS = 10_000;
export const UNSUPPORTED = {
  "SET-03": "orders always go to the default store view",
  "SET-04": "orders are always guest orders",
  "SET-07": "no quantity reservation",
  "IMP-11": "the Magento order takes no stock (Magento's order save places no reservation)",
  "IMP-05": "shipments are not sent to Amazon",
  "IMP-06": "shipments are not sent to Amazon",
  "IMP-14": "no order notes",
  "BLK-04": "no admin system message",
  "BLK-06": "no order notes",
  "BLK-07": "an order above the salable quantity waits, but without the note the rule asks for",
  "BLK-10": "no admin system message",
  "BLK-11": "no admin system message",
  "VIEW-04": "All Orders has no filters",
  "CAN-01": "no cancellation from Magento",
  "CAN-02": "no cancellation from Magento",
  "CAN-03": "Magento orders are not canceled",
  "STO-02": "no Read-Only Mode",
};

class Refused extends Error {} // HTTP 409, kind "refused"
class BadRequest extends Error {} // HTTP 400, kind "bad_request"
class UnknownOperation extends Error {} // HTTP 404, kind "no_operation"

const parseTime = (text) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
const amazonTime = (when) => when.toISOString().replace(/\.\d{3}Z$/, "Z");

class Session {
  constructor(now, clockUrl) {
    this.now = now;
    this.clockUrl = clockUrl;
    this.stores = new Map(); // name -> {spec, settings, active, cursor, magentoToken}
    this.orders = new Map(); // store name -> Map(Amazon order ID -> row)
    this.tokens = new Map(); // store name -> {token, until}
    this.queue = Promise.resolve(); // one operation at a time: two syncs never overlap
  }

  // -- time: the harness's clock, never the wall clock -------------------------------------------
  async sleep(seconds) {
    if (!this.clockUrl) {
      this.now = new Date(this.now.getTime() + seconds * 1000);
      return;
    }
    const body = await request("POST", `${this.clockUrl}/advance`, { json: { seconds } });
    this.now = parseTime((await body.json()).now);
  }

  // -- Amazon ------------------------------------------------------------------------------------
  async amazonToken(store) {
    const spec = store.spec;
    const cached = this.tokens.get(spec.name);
    if (cached && this.now < cached.until) return cached.token;
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: spec.refresh_token,
      client_id: spec.lwa_client_id,
      client_secret: spec.lwa_client_secret,
    });
    const answer = await request("POST", `${trim(spec.lwa_endpoint)}/auth/o2/token`, { form });
    await expectOk(answer, "Login with Amazon");
    const body = await answer.json();
    const until = new Date(this.now.getTime() + ((body.expires_in ?? 3600) - 60) * 1000);
    this.tokens.set(spec.name, { token: body.access_token, until });
    return body.access_token;
  }

  // A Restricted Data Token for the order listing: buyer and shipping address are restricted data.
  async restrictedToken(store) {
    const resource = { method: "GET", path: "/orders/v0/orders", dataElements: ["buyerInfo", "shippingAddress"] };
    const url = `${trim(store.spec.amazon_endpoint)}/tokens/2021-03-01/restrictedDataToken`;
    const headers = { "x-amz-access-token": await this.amazonToken(store) };
    const answer = await request("POST", url, { json: { restrictedResources: [resource] }, headers });
    if (answer.status === 404) {
      await answer.arrayBuffer();
      return null; // no Tokens API at this endpoint: the listing is read with the access token
    }
    await expectOk(answer, "Restricted Data Token");
    return (await answer.json()).restrictedDataToken;
  }

  async amazon(store, path, params, token = null) {
    const url = new URL(trim(store.spec.amazon_endpoint) + path);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    for (let attempt = 0; attempt < 8; attempt++) {
      const headers = { "x-amz-access-token": token ?? (await this.amazonToken(store)) };
      const answer = await request("GET", url, { headers });
      if (answer.status === 429) {
        await answer.arrayBuffer(); // over the quota: wait on the simulated clock, then retry
        await this.sleep(2 ** attempt);
        continue;
      }
      await expectOk(answer, `Amazon ${path}`);
      return (await answer.json()).payload;
    }
    throw new Error(`Amazon kept answering 429 for ${path}`);
  }

  // -- Magento -----------------------------------------------------------------------------------
  async magento(store, method, path, options = {}) {
    const base = `${trim(store.spec.magento_url)}/rest`;
    if (!store.magentoToken) {
      const login = { username: store.spec.magento_username, password: store.spec.magento_password };
      const answer = await request("POST", `${base}/V1/integration/admin/token`, { json: login });
      await expectOk(answer, "Magento admin token");
      store.magentoToken = await answer.json();
    }
    const headers = { Authorization: `Bearer ${store.magentoToken}` };
    return request(method, base + path, { ...options, headers });
  }

  // -- operations --------------------------------------------------------------------------------
  integrateStore(spec) {
    const settings = { import_enabled: true, number_source: "magento", order_status: null };
    this.stores.set(spec.name, { spec, settings, active: true, cursor: null, magentoToken: null });
    this.orders.set(spec.name, new Map());
  }

  async sync(name) {
    for (const storeName of name ? [name] : [...this.stores.keys()]) {
      const store = this.stores.get(storeName);
      if (!store.active) continue;
      await this.readAmazon(storeName, store);
      if (store.settings.import_enabled) await this.importDue(storeName, store);
    }
  }

  async readAmazon(name, store) {
    const spec = store.spec;
    let since = store.cursor ?? parseTime(spec.integrated_at);
    let params = { MarketplaceIds: spec.marketplace_id, LastUpdatedAfter: amazonTime(since) };
    const token = await this.restrictedToken(store); // one per listing, for every page
    for (;;) {
      let payload;
      try {
        payload = await this.amazon(store, "/orders/v0/orders", params, token);
      } catch {
        return; // Amazon failed midway: the cursor stays, the next sync reads these orders again
      }
      for (const order of payload.Orders ?? []) {
        this.record(name, store, order);
        const updated = parseTime(order.LastUpdateDate);
        if (updated > since) since = updated;
      }
      if (!payload.NextToken) break;
      params = { MarketplaceIds: spec.marketplace_id, NextToken: payload.NextToken };
    }
    store.cursor = since; // inclusive: the newest order is read again next time, which is harmless
  }

  record(name, store, order) {
    if (parseTime(order.PurchaseDate) < parseTime(store.spec.integrated_at)) return; // never ours
    const table = this.orders.get(name);
    const row = table.get(order.AmazonOrderId);
    const updated = parseTime(order.LastUpdateDate);
    if (row && updated <= row.updated) return; // an older (or repeated) report never moves the row back
    table.set(order.AmazonOrderId, { order, updated, magento: row ? row.magento : null });
  }

  async importDue(name, store) {
    for (const [amazonId, row] of this.orders.get(name)) {
      const afn = row.order.FulfillmentChannel === "AFN";
      const due = afn ? row.order.OrderStatus === "Shipped" : IMPORTABLE.has(row.order.OrderStatus);
      if (due && row.magento === null) {
        let found;
        try {
          found = await this.findMagentoOrder(store, amazonId);
        } catch {
          continue; // a failed look-up proves nothing: the next sync looks again before creating
        }
        row.magento = found ?? (await this.createMagentoOrder(store, row));
      }
    }
  }

  async findMagentoOrder(store, amazonId) {
    const prefix = "searchCriteria[filter_groups][0][filters][0]";
    const query = new URLSearchParams({ [`${prefix}[field]`]: "ext_order_id", [`${prefix}[value]`]: amazonId });
    const answer = await this.magento(store, "GET", `/V1/orders?${query}`);
    await expectOk(answer, "Magento order search");
    const items = (await answer.json()).items ?? [];
    return items.length ? { entity_id: items[0].entity_id, increment_id: items[0].increment_id } : null;
  }

  async createMagentoOrder(store, row) {
    const { order } = row;
    const settings = store.settings;
    const amazonId = order.AmazonOrderId;
    const items = [];
    for (let params = {}; ; ) {
      const page = await this.amazon(store, `/orders/v0/orders/${amazonId}/orderItems`, params);
      items.push(...(page.OrderItems ?? []));
      if (!page.NextToken) break;
      params = { NextToken: page.NextToken }; // every page of the items
    }
    if (await this.blocked(store, items, order.FulfillmentChannel === "AFN")) return null; // try on the next sync
    const buyer = order.BuyerInfo ?? {};
    const address = order.ShippingAddress ?? {};
    const [first, ...rest] = String(buyer.BuyerName || address.Name || "Amazon Buyer").split(" ");
    const last = rest.join(" ") || "-";
    const email = buyer.BuyerEmail || `${amazonId}@marketplace.amazon.invalid`;
    const afn = order.FulfillmentChannel === "AFN";
    const [shipFirst, ...shipRest] = String(address.Name || buyer.BuyerName || "Amazon Buyer").split(" ");
    const shipping = {
      address_type: "shipping",
      firstname: shipFirst, // the recipient, who may not be the buyer
      lastname: shipRest.join(" ") || "-",
      street: [address.AddressLine1, address.AddressLine2, address.AddressLine3].filter(Boolean).length
        ? [address.AddressLine1, address.AddressLine2, address.AddressLine3].filter(Boolean)
        : ["-"],
      city: address.City || "-",
      region: address.StateOrRegion || "",
      postcode: address.PostalCode || "",
      country_id: address.CountryCode || "US",
      telephone: address.Phone || "-",
      email,
    };
    const total = order.OrderTotal ?? {};
    const entity = {
      store_id: 1,
      state: afn ? "complete" : "processing",
      status: afn ? "complete" : settings.order_status || "processing",
      ext_order_id: amazonId,
      customer_email: email,
      customer_firstname: first,
      customer_lastname: last,
      customer_is_guest: 1,
      order_currency_code: total.CurrencyCode ?? "USD",
      grand_total: Number(total.Amount ?? 0),
      items: items.map((item) => ({
        sku: item.SellerSKU,
        name: item.Title || item.SellerSKU,
        qty_ordered: Number(item.QuantityOrdered),
        price: Math.round((Number(item.ItemPrice.Amount) / Number(item.QuantityOrdered)) * 100) / 100,
        tax_amount: Number(item.ItemTax?.Amount ?? 0),
        product_type: "simple",
      })),
      billing_address: { ...shipping, address_type: "billing" },
      payment: { method: "amazonpayment", po_number: amazonId },
      extension_attributes: {
        shipping_assignments: [{ shipping: { address: shipping, method: "amazon_shipping" } }],
        amazon_fulfillment_channel: order.FulfillmentChannel ?? "MFN",
      },
    };
    if (settings.number_source === "amazon") entity.increment_id = amazonId;
    let answer;
    try {
      answer = await this.magento(store, "POST", "/V1/orders", { json: { entity } });
    } catch {
      return null; // no answer: it may have landed, and the look-up on the next sync finds it if it did
    }
    if (answer.status === 400 || answer.status === 404 || answer.status >= 500) {
      await answer.arrayBuffer();
      return null; // a missing, disabled or out-of-stock product, or Magento failed: try on the next sync
    }
    await expectOk(answer, "Magento order creation");
    const created = await answer.json();
    return { entity_id: created.entity_id, increment_id: created.increment_id };
  }

  // Magento's order save checks nothing: a missing, disabled or out-of-stock product blocks the order here.
  async blocked(store, items, afn) {
    const wanted = new Map();
    for (const item of items) {
      wanted.set(item.SellerSKU, (wanted.get(item.SellerSKU) ?? 0) + Number(item.QuantityOrdered));
    }
    for (const [sku, qty] of wanted) {
      const answer = await this.magento(store, "GET", `/V1/products/${encodeURIComponent(sku)}`);
      if (answer.status === 404) {
        await answer.arrayBuffer();
        return true; // no such product
      }
      await expectOk(answer, "Magento product");
      const product = await answer.json();
      if (afn) continue; // Amazon's stock: only the product's existence matters
      if (Number(product.status ?? 1) !== 1) return true; // disabled
      const stock = product.extension_attributes?.stock_item ?? {};
      if (stock.manage_stock === false) continue;
      const path = `/V1/inventory/get-product-salable-quantity/${encodeURIComponent(sku)}/1`;
      const salable = await this.magento(store, "GET", path);
      await expectOk(salable, "Magento salable quantity");
      if (!stock.is_in_stock || Number(await salable.json()) < qty) return true; // out of stock
    }
    return false;
  }

  rows(name, { magentoData }) {
    const store = this.stores.get(name);
    const out = [];
    for (const [amazonId, row] of this.orders.get(name)) {
      const { order, magento } = row;
      const show = magentoData && magento !== null && store.settings.import_enabled;
      const link = show
        ? `${trim(store.spec.magento_url)}/admin/sales/order/view/order_id/${magento.entity_id}/`
        : SELLER_CENTRAL + amazonId;
      out.push({
        order_number: amazonId,
        purchase_date: order.PurchaseDate,
        status: order.OrderStatus,
        buyer_name: order.BuyerInfo?.BuyerName ?? null,
        grand_total: order.OrderTotal?.Amount ?? null,
        notes: [],
        link,
        magento_order: show ? magento.increment_id : null,
      });
    }
    return out;
  }

  // One protocol operation; the result goes back as {"result": ...}.
  async run(operation, args) {
    if (operation === "capabilities") return { unsupported: UNSUPPORTED };
    const store = args.store;
    if (store != null && operation !== "integrate_store" && !this.stores.has(store)) {
      throw new BadRequest(`no store ${JSON.stringify(store)}`);
    }
    switch (operation) {
      case "integrate_store":
        this.integrateStore(args.store);
        return null;
      case "configure_orders":
        Object.assign(this.stores.get(store).settings, args.settings);
        return null;
      case "set_store_active":
        this.stores.get(store).active = Boolean(args.active);
        return null;
      case "sync":
      case "run_cron":
        await this.sync(store);
        return null;
      case "amazon_orders":
        return this.rows(store, { magentoData: true });
      case "recent_orders":
        return this.rows(store, { magentoData: false });
      case "cancel_order":
        throw new Refused("this connector cannot cancel orders");
      case "restart":
        this.tokens.clear();
        for (const known of this.stores.values()) known.magentoToken = null;
        return null;
      case "reset":
        this.stores.clear();
        this.orders.clear();
        this.tokens.clear();
        return null;
      case "set_read_only":
        return null;
      default:
        throw new UnknownOperation(operation);
    }
  }
}

function trim(url) {
  return String(url).replace(/\/+$/, "");
}

async function request(method, url, { json, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (form !== undefined) {
    init.body = form.toString();
    init.headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  return fetch(url, init);
}

async function expectOk(answer, what) {
  if (!answer.ok) throw new Error(`${what}: HTTP ${answer.status} ${(await answer.text()).slice(0, 200)}`);
}

// -- the protocol's routes: the hello, sessions, and POST /sessions/<id>/<operation> ---------------
const sessions = new Map();

function reply(response, status, body) {
  const data = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) });
  response.end(data);
}

const fail = (response, status, kind, message) => reply(response, status, { error: { kind, message } });

async function readJson(incoming) {
  const chunks = [];
  for await (const chunk of incoming) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.trim() ? JSON.parse(text) : {};
}

async function handle(incoming, response) {
  const parts = incoming.url.split("?")[0].split("/").filter(Boolean);
  if (incoming.method === "GET" && parts.length === 0) {
    return reply(response, 200, { protocol: "asc-driver", version: 1, connector: "example-js" });
  }
  if (incoming.method === "DELETE" && parts.length === 2 && parts[0] === "sessions") {
    if (sessions.delete(parts[1])) return reply(response, 200, { result: null });
    return fail(response, 404, "no_session", `no session at ${incoming.url}`);
  }
  if (incoming.method !== "POST") return fail(response, 404, "no_route", `no route ${incoming.method} ${incoming.url}`);
  let body;
  try {
    body = await readJson(incoming);
  } catch (err) {
    return fail(response, 400, "bad_request", `the body is not JSON: ${err.message}`);
  }
  if (parts.length === 1 && parts[0] === "sessions") {
    const id = randomUUID().replaceAll("-", "");
    sessions.set(id, new Session(parseTime(body.now), body.clock_url ?? null));
    return reply(response, 201, { session: id });
  }
  const session = parts.length === 3 && parts[0] === "sessions" ? sessions.get(parts[1]) : undefined;
  if (!session) return fail(response, 404, "no_session", `no session at ${incoming.url}`);
  const turn = session.queue.then(async () => {
    const now = parseTime(body.now);
    if (now > session.now) session.now = now;
    try {
      reply(response, 200, { result: await session.run(parts[2], body.args ?? {}) });
    } catch (err) {
      if (err instanceof Refused) fail(response, 409, "refused", err.message);
      else if (err instanceof BadRequest) fail(response, 400, "bad_request", err.message);
      else if (err instanceof UnknownOperation) fail(response, 404, "no_operation", `unknown operation ${err.message}`);
      else fail(response, 500, "failed", `${err.name}: ${err.message}`); // the connector failed: say so, keep serving
    }
  });
  session.queue = turn;
  return turn;
}

function main() {
  const { values } = parseArgs({
    options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "8765" } },
  });
  const server = http.createServer((incoming, response) => {
    handle(incoming, response).catch((err) => fail(response, 500, "failed", String(err)));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(values.port), values.host, () => {
    console.log(`http://${values.host}:${server.address().port}`);
  });
}

main();
