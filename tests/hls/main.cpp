#include "support/catch_main.h"
