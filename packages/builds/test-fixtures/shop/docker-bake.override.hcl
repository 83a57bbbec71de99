target "app" {
  tags = ["${REGISTRY}/shop/app:override"]
}
