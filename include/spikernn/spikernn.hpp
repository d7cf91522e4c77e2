// The whole spikernn API.
#pragma once

#include "spikernn/error.hpp"
#include "spikernn/json_fields.hpp"
#include "spikernn/lif_network.hpp"
#include "spikernn/lif_network_fnc.hpp"
#include "spikernn/lif_step.hpp"
#include "spikernn/mat_file.hpp"
#include "spikernn/rate_model.hpp"
#include "spikernn/simulation_result.hpp"
#include "spikernn/spiking_config.hpp"
#include "spikernn/stims.hpp"
#include "spikernn/stimulus.hpp"
#include "spikernn/version.hpp"
