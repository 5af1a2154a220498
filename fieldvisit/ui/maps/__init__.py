"""Map widgets shared by the screens: painting helpers, the case map and the route map."""
