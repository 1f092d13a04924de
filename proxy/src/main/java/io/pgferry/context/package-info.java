/**
 * What every part of the proxy shares at run time: the current configuration, the pools, the server connector, the
 * statement registry, the metrics, and the views the admin console needs of clients and of the process. It depends
 * on the layers below it (config, metrics, backend, pool, prepared, auth) and never on frontend, admin or http,
 * which all use it: a new kind of client takes its services from here.
 */
package io.pgferry.context;
