variable "REGISTRY" {
  default = "registry.example.com"
}

variable "TAG" {
  default = "dev"
}

variable "GIT_SHA" {}

group "default" {
  targets = ["app", "api"]
}

target "_common" {
  dockerfile = "docker/Dockerfile"
  args = {
    NODE_ENV = "production"
  }
}

target "app" {
  inherits = ["_common"]
  target = "final"
  tags = ["${REGISTRY}/shop/app:${TAG}", "${REGISTRY}/shop/app:${GIT_SHA}"]
  cache-from = ["type=registry,ref=${REGISTRY}/shop/app:buildcache"]
  cache-to = [{ type = "registry", ref = "${REGISTRY}/shop/app:buildcache", mode = "max" }]
  args = {
    APP_VERSION = "${TAG}"
  }
}

target "api" {
  context = "services/api"
  target = "runtime"
  tags = ["${REGISTRY}/shop/api:${TAG}"]
  cache-from = ["type=gha,scope=api"]
  cache-to = ["type=gha,scope=api,mode=max"]
  output = ["type=registry"]
}
