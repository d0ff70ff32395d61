/**
 * deploy/kubernetes: every manifest parses, each object validates against the Kubernetes (and KEDA) JSON
 * schemas bundled in the kubernetes-models packages (offline), and the fields that matter for Ferry are
 * checked: probes, drain, resources, selectors and names that tie the objects together, and the worker config
 * that the ConfigMap, Secret and environment make together.
 */
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deployDir, distributedConfig, yamlDocuments } from "./support.js";

const dir = resolve(deployDir, "kubernetes");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");

// biome-ignore lint/suspicious/noExplicitAny: model classes of every kind
type ModelClass = new (data: any) => { validate(): void };
const MODELS: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

const Meta = z.object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string() }) });
type Obj = z.infer<typeof Meta> & Record<string, unknown>;

const objects: { file: string; obj: Obj }[] = files.flatMap((file) =>
  yamlDocuments(`kubernetes/${file}`).map((d) => ({ file, obj: z.looseObject(Meta.shape).parse(d) as Obj })),
);

function one<T extends z.ZodType>(kind: string, schema: T): z.infer<T> {
  const found = objects.filter((o) => o.obj.kind === kind);
  expect(found, kind).toHaveLength(1);
  return schema.parse(found[0]?.obj);
}

const Labels = z.record(z.string(), z.string());
const Probe = z.object({
  httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }),
  periodSeconds: z.number(),
  timeoutSeconds: z.number(),
  failureThreshold: z.number(),
});
const Container = z.object({
  name: z.string(),
  image: z.string(),
  args: z.array(z.string()),
  ports: z.array(z.looseObject({ name: z.string(), containerPort: z.number() })),
  env: z.array(
    z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() }),
  ),
  envFrom: z.array(z.object({ secretRef: z.object({ name: z.string() }) })),
  volumeMounts: z.array(z.looseObject({ name: z.string(), mountPath: z.string() })),
  resources: z.object({
    requests: z.object({ cpu: z.string(), memory: z.string() }),
    limits: z.object({ memory: z.string() }),
  }),
  readinessProbe: Probe,
  livenessProbe: Probe,
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) }),
  securityContext: z.object({
    allowPrivilegeEscalation: z.literal(false),
    readOnlyRootFilesystem: z.literal(true),
    capabilities: z.object({ drop: z.array(z.string()) }),
  }),
});
const DeploymentShape = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    replicas: z.number().int().min(2),
    selector: z.object({ matchLabels: Labels }),
    strategy: z.object({ rollingUpdate: z.object({ maxUnavailable: z.literal(0) }) }),
    template: z.object({
      metadata: z.object({ labels: Labels, annotations: Labels }),
      spec: z.object({
        terminationGracePeriodSeconds: z.number(),
        securityContext: z.object({ runAsNonRoot: z.literal(true), runAsUser: z.number().int().positive() }),
        containers: z.array(Container).length(1),
        volumes: z.array(
          z.looseObject({ name: z.string(), configMap: z.object({ name: z.string() }).optional() }),
        ),
      }),
    }),
  }),
});

const deployment = one("Deployment", DeploymentShape);
const container = deployment.spec.template.spec.containers[0] as z.infer<typeof Container>;
const podLabels = deployment.spec.template.metadata.labels;

describe("deploy/kubernetes", () => {
  it("has every object the operations guide lists", () => {
    expect(objects.map((o) => o.obj.kind).sort()).toEqual(
      [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "ScaledObject",
        "Secret",
        "Service",
      ].sort(),
    );
  });

  it.each(objects.map((o) => [`${o.file}: ${o.obj.kind} ${o.obj.metadata.name}`, o.obj] as const))(
    "%s validates against its Kubernetes JSON schema",
    (_, obj) => {
      const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
      expect(Model, `no schema for ${obj.apiVersion} ${obj.kind}`).toBeDefined();
      expect(() => new (Model as ModelClass)(obj).validate()).not.toThrow();
    },
  );

  it("the schema validation does catch mistakes", () => {
    const broken = structuredClone(objects.find((o) => o.obj.kind === "Deployment")?.obj) as Obj;
    const c = (
      broken.spec as { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } }
    ).template.spec.containers[0];
    if (c?.ports[0]) c.ports[0].containerPort = "8083";
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort must be integer/);
  });

  it("Deployment: readiness on /readyz, liveness on /healthz, through the named port", () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 8083, protocol: "TCP" }]);
    // liveness must not be quicker to kill than the event-loop threshold (2 s) can recover
    expect(
      container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold,
    ).toBeGreaterThanOrEqual(20);
  });

  it("Deployment: preStop pause then SIGTERM drain inside terminationGracePeriodSeconds", () => {
    const cmd = container.lifecycle.preStop.exec.command;
    expect(cmd[0]).toBe("node");
    const pauseMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(cmd.join(" "))?.[1]);
    expect(pauseMs).toBeGreaterThan(0);
    // pause + offset.flush.timeout.ms (5 s) + margin
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      pauseMs + 5000 + 5000,
    );
  });

  it("Deployment: non-root, resource requests, metrics scraped, runs a distributed worker", () => {
    expect(deployment.spec.template.spec.securityContext.runAsUser).toBe(1000);
    expect(container.securityContext.capabilities.drop).toEqual(["ALL"]);
    expect(container.resources.requests).toEqual({ cpu: "250m", memory: "256Mi" });
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/path": "/metrics",
      "prometheus.io/port": "8083",
    });
    expect(container.args).toEqual(["distributed", "/etc/ferry/worker.properties"]);
    expect(container.volumeMounts).toContainEqual({
      name: "config",
      mountPath: "/etc/ferry",
      readOnly: true,
    });
    // a read-only root filesystem needs a writable /tmp
    expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(container.env.find((e) => e.name === "FERRY_REST_ADVERTISED_HOST_NAME")?.valueFrom).toEqual({
      fieldRef: { fieldPath: "status.podIP" },
    });
  });

  it("Service, PodDisruptionBudget, ScaledObject and HPA point at the Deployment and its pods", () => {
    const service = one(
      "Service",
      z.object({
        spec: z.object({ selector: Labels, ports: z.array(z.object({ targetPort: z.string() })) }),
      }),
    );
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0]?.targetPort).toBe("http");
    const pdb = one(
      "PodDisruptionBudget",
      z.object({
        spec: z.object({ maxUnavailable: z.number(), selector: z.object({ matchLabels: Labels }) }),
      }),
    );
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBeLessThan(deployment.spec.replicas);
    expect(deployment.spec.selector.matchLabels).toEqual(pdb.spec.selector.matchLabels);
    const target = z.object({
      spec: z.object({ scaleTargetRef: z.object({ kind: z.literal("Deployment"), name: z.string() }) }),
    });
    expect(one("ScaledObject", target).spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(one("HorizontalPodAutoscaler", target).spec.scaleTargetRef.name).toBe(deployment.metadata.name);
  });

  it("ScaledObject: metrics-api trigger on /cluster/scaling through the Service", () => {
    const so = one(
      "ScaledObject",
      z.object({
        spec: z.object({
          minReplicaCount: z.number(),
          maxReplicaCount: z.number(),
          triggers: z.array(z.object({ type: z.string(), metadata: z.record(z.string(), z.string()) })),
        }),
      }),
    );
    expect(so.spec.triggers).toHaveLength(1);
    const t = so.spec.triggers[0];
    expect(t?.type).toBe("metrics-api");
    const url = new URL(t?.metadata.url ?? "");
    expect(url.pathname).toBe("/cluster/scaling");
    expect(url.hostname.split(".")[0]).toBe("ferry");
    expect(url.port).toBe("8083");
    expect(t?.metadata).toMatchObject({ format: "json", valueLocation: "desiredWorkers", targetValue: "1" });
    expect(so.spec.minReplicaCount).toBeLessThan(so.spec.maxReplicaCount);
  });

  it("ConfigMap + Secret + env make a valid distributed worker config, with no secret in the ConfigMap", () => {
    const cm = one(
      "ConfigMap",
      z.object({ metadata: z.object({ name: z.string() }), data: z.record(z.string(), z.string()) }),
    );
    const secret = one(
      "Secret",
      z.object({ metadata: z.object({ name: z.string() }), stringData: z.record(z.string(), z.string()) }),
    );
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: "config",
      configMap: { name: cm.metadata.name },
    });
    expect(container.envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
    const properties = cm.data["worker.properties"] ?? "";
    expect(properties).not.toMatch(/password|redis\.url/i);
    const env: Record<string, string> = { ...secret.stringData, FERRY_REST_ADVERTISED_HOST_NAME: "10.0.0.7" };
    for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
    const config = distributedConfig(properties, env);
    expect(config.groupId).toBe("ferry");
    expect(config.redisUrl).toBe(secret.stringData.FERRY_REDIS_URL);
    expect(config.listeners).toEqual([{ protocol: "http", host: "0.0.0.0", port: 8083 }]);
    expect(config.advertisedHost).toBe("10.0.0.7");
  });

  it("kustomization lists existing files, and one autoscaler only", () => {
    const [k] = yamlDocuments("kubernetes/kustomization.yaml");
    const { resources } = z
      .object({ kind: z.literal("Kustomization"), resources: z.array(z.string()) })
      .parse(k);
    for (const r of resources) expect(existsSync(resolve(dir, r)), r).toBe(true);
    expect(resources).toContain("keda-scaledobject.yaml");
    expect(resources).not.toContain("hpa.yaml");
    expect(new Set([...resources, "hpa.yaml"])).toEqual(new Set(files));
  });
});
