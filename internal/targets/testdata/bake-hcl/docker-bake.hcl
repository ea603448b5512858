variable "GO_VERSION" {
  default = "1.23"
}

group "default" {
  targets = ["image"]
}

target "_common" {
  context    = "."
  dockerfile = "build/Dockerfile"
  args = {
    GO_VERSION = GO_VERSION
  }
}

// filled by docker/metadata-action in CI
target "docker-metadata-action" {}

target "test" {
  inherits = ["_common"]
  target   = "test"
  output   = ["type=cacheonly"]
}

target "image" {
  inherits = ["_common", "docker-metadata-action"]
  target   = "release"
}

target "lint" {
  inherits = ["_common"]
  target   = "lint-${GO_VERSION}"
}

target "binaries" {
  context = "${BUILD_DIR}"
  target  = "binaries"
}

target "validate" {
  target = "valiadte"
}
