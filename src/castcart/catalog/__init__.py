"""Products, variants, localized content, images, attributes, warehouses and stock."""
