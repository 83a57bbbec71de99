import { closest, type RelatedLocation, type SemanticModel, type Stage } from '@stowage/core';

/**
 * Docker Official Images (current and deprecated): single-word names that pull a real image, so a
 * reference to one of them is never taken for a misspelt stage name.
 */
const OFFICIAL_IMAGES = new Set(`
adminer aerospike almalinux alpine alt amazoncorretto amazonlinux api-firewall arangodb archlinux
backdrop bash bonita buildpack-deps busybox caddy cassandra celery centos chronograf cirros
clearlinux clefos clickhouse clojure composer consul convertigo couchbase couchdb crate crux dart
debian django docker drupal eclipse-mosquitto eclipse-temurin eggdrop elasticsearch elixir emqx
erlang express-gateway fedora flink fluentd friendica gazebo gcc geonetwork ghost glassfish golang
gradle groovy haproxy haskell haxe hello-world hitch httpd hylang ibm-semeru-runtimes ibmjava
influxdb iojs irssi java jenkins jetty joomla jruby julia kapacitor kibana known kong krakend
lightstreamer liquibase logstash mageia mariadb matomo maven mediawiki memcached mongo
mongo-express monica mono mysql nats nats-streaming neo4j neurodebian nextcloud nginx node notary
nuxeo odoo open-liberty openjdk opensuse oraclelinux orientdb owncloud percona perl photon php
php-zendserver phpmyadmin piwik plone postfixadmin postgres pypy python r-base rabbitmq rails
rakudo-star rapidoid redis redmine registry rethinkdb rocket.chat rockylinux ros ruby rust
sapmachine satosa sentry silverpeas sl solr sonarqube spark spiped storm swarm swift swipl
teamspeak telegraf thrift tomcat tomee traefik ubuntu unit varnish vault websphere-liberty
wordpress xwiki yourls znc zookeeper
`.trim().split(/\s+/));

/** Written like an image reference rather than a stage name: a path, tag or digest. */
export function looksLikeImage(ref: string): boolean {
  return /[/:@]/.test(ref);
}

/**
 * A name that most likely means an image: an official image, or the repository of an image another
 * FROM in this file pulls (`FROM golang:1.22 AS golang-builder` makes `golang` an image name).
 */
export function isImageName(name: string, model: SemanticModel, except?: Stage): boolean {
  const lower = name.toLowerCase();
  if (OFFICIAL_IMAGES.has(lower)) return true;
  return model.stages.some((s) => s !== except && !s.parent && !s.base.scratch && s.base.repository.toLowerCase() === lower);
}

/** The stage named `key` (lower-cased) closest before `stage`, if any. */
export function earlierStageNamed(model: SemanticModel, stage: Stage, key: string): Stage | undefined {
  for (let i = stage.index - 1; i >= 0; i--) if (model.stages[i].key === key) return model.stages[i];
  return undefined;
}

/** The first stage named `key` (lower-cased) after `stage`, if any. */
export function laterStageNamed(model: SemanticModel, stage: Stage, key: string): Stage | undefined {
  return model.stages.find((s) => s.index > stage.index && s.key === key);
}

/** BuildKit's rule for stage names (checked lower-cased). */
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/**
 * The stage before `stage` whose name `ref` looks like a misspelling of, if any. None when a stage
 * name is not a plain name (`AS ${NAME}` in Buildah files, templates): `ref` may be that stage.
 */
export function closeEarlierStage(model: SemanticModel, stage: Stage, ref: string): Stage | undefined {
  const earlier = model.stages.filter((s) => s.index < stage.index && s.key !== null);
  if (model.stages.some((s) => s.key !== null && !STAGE_NAME.test(s.key))) return undefined;
  const name = closest(ref, earlier.map((s) => s.name!));
  return name === null ? undefined : earlier.find((s) => s.name === name);
}

/** 1-based line of a stage's FROM, for messages. */
export function lineOf(model: SemanticModel, stage: Stage): number {
  return model.lines.positionAt(stage.from.range.start).line;
}

/** A `related` entry pointing at a stage's name (or its FROM keyword when unnamed). */
export function definedHere(stage: Stage): RelatedLocation[] {
  const message = stage.name ? `Stage '${stage.name}' is defined here.` : `Stage ${stage.index} starts here.`;
  return [{ message, range: stage.nameRange ?? stage.from.keyword.range }];
}
